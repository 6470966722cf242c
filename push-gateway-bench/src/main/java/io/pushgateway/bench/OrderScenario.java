package io.pushgateway.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * The {@code order} scenario: what keeping recoverable pushes in position order costs
 * when one user's pushes are issued through every node at once, as behind a load
 * balancer. Three gateway nodes on one {@code redis-server} and one Kafka broker; every
 * user has one connection on each node; all nodes issue pushes to the same users at the
 * same time (the rate is the cluster's, split evenly), first plain, then recoverable.
 * Reported side by side: delivery latency, Redis commands per push, and on the nodes the
 * pushes held for their predecessors, how long they waited, and the gaps read from the
 * store.
 *
 * @author Push Gateway team
 */
final class OrderScenario {

	private final Args args;

	private final Path workDir;

	OrderScenario(Args args, Path workDir) {
		this.args = args;
		this.workDir = workDir;
	}

	void run(Map<String, Object> result) throws Exception {
		int nodes = this.args.getInt("nodes", 3);
		int users = this.args.getInt("users", 2000);
		int rate = this.args.getInt("rate", 2000);
		int seconds = this.args.getInt("seconds", 20);
		List<AutoCloseable> running = new ArrayList<>();
		try {
			ClusterScenario.Cluster cluster = ClusterScenario.start(this.args, this.workDir, nodes,
					List.of("--push.gateway.recovery.enabled=true"), running);
			List<Server> servers = cluster.servers();
			List<Workers> groups = new ArrayList<>();
			for (int i = 0; i < nodes; i++) {
				// the same users on every node: each push reaches one connection per node
				Workers group = Workers.start(this.args, servers.get(i), users, 1, 1, this.workDir, 0, i);
				running.add(group);
				groups.add(group);
			}
			Workers load = Workers.of(groups);
			Map<String, Object> ramp = load.connect();
			result.put("nodes", nodes);
			result.put("users", users);
			result.put("connections", ramp.get("ok"));
			result.put("rate", rate);
			result.put("seconds", seconds);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (RedisInfo.hashSize(cluster.redisPort(), "ws:users") < users && System.nanoTime() < deadline) {
				Processes.sleep(200);
			}
			int warmUp = this.args.getInt("warm-up-seconds", 10);
			issue(servers, "/bench/targeted", rate, warmUp, users);
			issue(servers, "/bench/targeted-recoverable", rate, warmUp, users);
			load.awaitQuiet();
			for (String kind : new String[] { "plain", "recoverable" }) {
				load.reset();
				List<JsonNode> before = stats(servers);
				RedisInfo.resetStats(cluster.redisPort());
				long[] sentAndRejected = issue(servers,
						"plain".equals(kind) ? "/bench/targeted" : "/bench/targeted-recoverable", rate, seconds, users);
				long sent = sentAndRejected[0];
				long received = load.awaitReceived(sent * nodes, Duration.ofSeconds(60));
				Map<String, Long> commands = RedisInfo.commandCalls(cluster.redisPort());
				Map<String, Object> figures = Results.delivery(sent * nodes, received, sentAndRejected[1],
						load.report());
				figures.put("redisCommandsPerPush", perPush(commands, sent));
				figures.put("redisCommands", commands);
				figures.put("nodes", held(before, stats(servers)));
				result.put(kind, figures);
			}
		}
		finally {
			for (int i = running.size() - 1; i >= 0; i--) {
				try {
					running.get(i).close();
				}
				catch (Exception ex) {
					// best effort
				}
			}
		}
	}

	/* Every node issues its share of the rate at once; returns {sent, rejected}. */
	private static long[] issue(List<Server> servers, String path, int rate, int seconds, int users) throws Exception {
		List<CompletableFuture<JsonNode>> runs = new ArrayList<>();
		for (Server server : servers) {
			String query = path + "?rate=" + (rate / servers.size()) + "&seconds=" + seconds + "&users=" + users;
			runs.add(CompletableFuture.supplyAsync(() -> {
				try {
					return server.post(query, Duration.ofSeconds(seconds + 60L));
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}));
		}
		long sent = 0;
		long rejected = 0;
		for (CompletableFuture<JsonNode> run : runs) {
			JsonNode answer = run.get(seconds + 90L, TimeUnit.SECONDS);
			sent += answer.get("sent").asLong();
			rejected += answer.get("rejected").asLong();
		}
		return new long[] { sent, rejected };
	}

	private static List<JsonNode> stats(List<Server> servers) throws Exception {
		List<JsonNode> stats = new ArrayList<>();
		for (Server server : servers) {
			stats.add(server.get("/bench/stats?gc=false"));
		}
		return stats;
	}

	private static double perPush(Map<String, Long> commands, long pushes) {
		long calls = commands.values().stream().mapToLong(Long::longValue).sum();
		return Results.round((double) calls / Math.max(1, pushes));
	}

	/*
	 * Per node: pushes held, duplicates dropped, gaps filled and given up during the run,
	 * and the hold timer's percentiles (of the node's whole life, decaying over
	 * Micrometer's two minutes).
	 */
	private static List<Map<String, Object>> held(List<JsonNode> before, List<JsonNode> after) {
		List<Map<String, Object>> nodes = new ArrayList<>();
		for (int i = 0; i < after.size(); i++) {
			Map<String, Object> node = new LinkedHashMap<>();
			JsonNode was = before.get(i).path("recovery");
			JsonNode is = after.get(i).path("recovery");
			for (String outcome : new String[] { "held", "duplicate", "filled", "given_up" }) {
				node.put(outcome, is.path(outcome).asLong() - was.path(outcome).asLong());
			}
			JsonNode hold = after.get(i).path("recoveryHold");
			node.put("holdMillis", Map.of("p50", hold.path("p50").asDouble(), "p99", hold.path("p99").asDouble(),
					"p99.9", hold.path("p99.9").asDouble()));
			nodes.add(node);
		}
		return nodes;
	}

}
