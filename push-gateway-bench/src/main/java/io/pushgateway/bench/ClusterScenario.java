package io.pushgateway.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * The {@code cluster} scenario: several gateway nodes with a real {@code redis-server}
 * (session registry) and a real Kafka broker (cluster bus, KRaft, from Maven Central
 * jars), each node with its own share of the connections: Redis memory per session, one
 * broadcast to every connection of the cluster issued on one node, and pushes from one
 * node to users on the others.
 *
 * @author Push Gateway team
 */
final class ClusterScenario {

	/** Kafka's start script's defaults: a fixed 1 GB heap, G1 aiming at 20 ms pauses. */
	static final String BROKER_JVM = "-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 "
			+ "-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent";

	private final Args args;

	private final Path workDir;

	ClusterScenario(Args args, Path workDir) {
		this.args = args;
		this.workDir = workDir;
	}

	/*
	 * Several gateway nodes with a real {@code redis-server} (session registry) and a
	 * real Kafka broker (cluster bus, KRaft, from Maven Central jars), each node with its
	 * own share of the connections: Redis memory per session, one broadcast to every
	 * connection of the cluster issued on one node, and pushes from one node to users on
	 * the others.
	 */
	/*
	 * Starts a redis-server, a Kafka broker (KRaft, from Maven Central jars) and gateway
	 * nodes on both; each is added to running, to be closed in reverse order.
	 */
	static Cluster start(Args args, Path workDir, int nodes, List<String> nodeArgs, List<AutoCloseable> running)
			throws Exception {
		int redisPort = Processes.freePort();
		Process redis = RedisInfo.startServer(args, workDir, redisPort);
		running.add(redis::destroy);
		// the broker runs with the heap and collector flags of Kafka's own start script
		// (kafka-server-start.sh: KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS), as a
		// deployed broker would; --broker-jvm names others
		List<String> broker = new ArrayList<>(List.of(Processes.javaCommand()));
		broker.addAll(List.of(args.get("broker-jvm", BROKER_JVM).split(" ")));
		broker.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.pushgateway.devtools.DevKafkaBroker"));
		Process kafka = new ProcessBuilder(broker).redirectErrorStream(true).start();
		running.add(kafka::destroy);
		String bootstrap = Processes.awaitLine(kafka, "ready on ", workDir.resolve("kafka.log"));
		List<String> extra = new ArrayList<>(
				List.of("--push.gateway.registry.type=redis", "--push.gateway.bus.type=kafka",
						"--spring.kafka.bootstrap-servers=" + bootstrap, "--spring.data.redis.host=127.0.0.1",
						"--spring.data.redis.port=" + redisPort, "--push.gateway.node.worker-id-strategy=redis-lease"));
		extra.addAll(nodeArgs);
		// more node properties, such as
		// --node-args=--push.gateway.bus.routing=targeted
		if (args.has("node-args")) {
			extra.addAll(List.of(args.get("node-args", "").split(" ")));
		}
		List<Server> servers = new ArrayList<>();
		for (int i = 0; i < nodes; i++) {
			Server server = Server.start("gateway", workDir, args, extra, "node-" + i);
			running.add(server);
			servers.add(server);
		}
		return new Cluster(redisPort, kafka.pid(), servers);
	}

	void run(Map<String, Object> result) throws Exception {
		int nodes = this.args.getInt("nodes", 4);
		// about as many per node as one process can hold
		int perNode = this.args.getInt("cluster-connections", nodes * 19_000) / nodes;
		int rate = this.args.getInt("rate", 1000);
		int seconds = this.args.getInt("seconds", 20);
		List<AutoCloseable> running = new ArrayList<>();
		try {
			Cluster cluster = start(this.args, this.workDir, nodes, List.of(), running);
			int redisPort = cluster.redisPort();
			List<Server> servers = cluster.servers();
			int workersPerNode = Math.max(1, (perNode + 9_499) / 9_500);
			// a first round connects everything once and closes it again, as the idle
			// scenario does: what a node pays once (compiled code, buffer pools, client
			// buffers) is then not counted per connection
			try (Workers warmUp = load(servers, perNode, workersPerNode)) {
				warmUp.connect();
			}
			long settled = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (System.nanoTime() < settled && (RedisInfo.hashSize(redisPort, "ws:users") > 0
					|| servers.stream().anyMatch(ClusterScenario::hasConnections))) {
				Processes.sleep(200);
			}
			long redisBefore = RedisInfo.usedMemory(redisPort);
			ModelCheck check = new ModelCheck(servers, redisPort);
			long rssBefore = check.rss();
			// what the nodes cost with no connection at all
			ModelCheck.Sample emptyStart = check.sample();
			Processes.sleep(this.args.getInt("idle-seconds", 50) * 1000L / 2);
			result.put("nodeCoresWithoutConnections", Results.round(emptyStart.to(check.sample()).cores()));
			Workers load = load(servers, perNode, workersPerNode);
			running.add(load);
			Map<String, Object> ramp = load.connect();
			int open = (int) ramp.get("ok");
			result.put("nodes", nodes);
			result.put("connections", open);
			result.put("failed", ramp.get("failed"));
			// the registry writes in batches; wait until every session is in Redis (one
			// connection per user here, so the online users are the sessions)
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (RedisInfo.hashSize(redisPort, "ws:users") < open && System.nanoTime() < deadline) {
				Processes.sleep(200);
			}
			long sessions = RedisInfo.hashSize(redisPort, "ws:users");
			result.put("redisSessions", sessions);
			long redisBytes = RedisInfo.usedMemory(redisPort) - redisBefore;
			result.put("redisBytesPerSession", (sessions > 0) ? redisBytes / sessions : 0);
			// the capacity model's idle figures: a quiet window once every session is in
			// Redis, two periods of the 25 s heartbeat long, so that it holds as many of
			// the registry's batched last-seen writes wherever it starts
			Processes.sleep(this.args.getInt("settle-ms", 5000));
			ModelCheck.Sample quietStart = check.sample();
			Processes.sleep(this.args.getInt("idle-seconds", 50) * 1000L);
			ModelCheck.Window idle = quietStart.to(check.sample());
			long memory = check.rss() - rssBefore;

			Server origin = servers.get(0);
			for (int i = 0; i < this.args.getInt("warm-up-broadcasts", 5); i++) {
				BroadcastScenario.oneBroadcast(origin, load, open);
			}
			List<Double> times = new ArrayList<>();
			for (int i = 0; i < this.args.getInt("broadcasts", 5); i++) {
				times.add(BroadcastScenario.oneBroadcast(origin, load, open).getMaxValue() / 1e6);
			}
			times.sort(Double::compare);
			Map<String, Object> last = new LinkedHashMap<>();
			last.put("median", Results.round(times.get(times.size() / 2)));
			last.put("min", Results.round(times.get(0)));
			last.put("max", Results.round(times.get(times.size() - 1)));
			result.put("broadcastLastClientMillis", last);

			// pushes issued on node 0 to users on the other nodes: every one crosses
			// Kafka
			String path = "/bench/targeted?rate=" + rate + "&seconds=%d&users=" + (perNode * (nodes - 1)) + "&offset="
					+ perNode;
			// 90 s: after 30 s the nodes' and the broker's compilers still took a quarter
			// of the machine (docs/performance.md, the cross-node tail split by stage)
			origin.post(String.format(path, this.args.getInt("warm-up-seconds", 90)));
			load.awaitQuiet();
			load.reset();
			List<JsonNode> stagesBefore = stages(servers);
			long[] compilerBefore = compilerNanos(servers);
			long brokerBefore = ProcStats.cpuNanos(cluster.brokerPid());
			long[] machineBefore = ProcStats.machineTicks();
			long windowStart = System.nanoTime();
			ModelCheck.Sample pushingStart = check.sample();
			JsonNode sent = origin.post(String.format(path, seconds));
			ModelCheck.Window pushing = pushingStart.to(check.sample());
			// the broker's share and the machine's idle share while pushing, not while
			// the load processes report
			double brokerCores = (ProcStats.cpuNanos(cluster.brokerPid()) - brokerBefore)
					/ (double) (System.nanoTime() - windowStart);
			long[] machineAfter = ProcStats.machineTicks();
			long received = load.awaitReceived(sent.get("sent").asLong(), Duration.ofSeconds(60));
			Map<String, Object> crossNode = Results.delivery(sent.get("sent").asLong(), received,
					sent.get("rejected").asLong(), load.report());
			crossNode.put("rate", rate);
			crossNode.put("seconds", seconds);
			// where the time went: the nodes' own timers and collections in the window,
			// and the load processes' collections
			Map<String, Object> stages = LatencyStages.split(stagesBefore, stages(servers));
			stages.put("loadGcMillis", load.gcMillis());
			// a node still compiling takes a core's share from everything else
			long[] compilerAfter = compilerNanos(servers);
			List<Long> compilerMillis = new ArrayList<>();
			for (int i = 0; i < compilerAfter.length; i++) {
				compilerMillis.add((compilerAfter[i] - compilerBefore[i]) / 1_000_000);
			}
			stages.put("nodeCompilerMillis", compilerMillis);
			stages.put("brokerCores", Results.round(brokerCores));
			stages.put("machineIdleShare", Results.round(
					(machineAfter[1] - machineBefore[1]) / (double) Math.max(1, machineAfter[0] - machineBefore[0])));
			crossNode.put("stages", stages);
			result.put("crossNode", crossNode);
			result.put("model", ModelCheck.compare(this.args, nodes, open, sent.get("sent").asLong() / (double) seconds,
					idle, pushing, memory, redisBytes));
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

	/* Load processes for every node, its share of the connections each. */
	private Workers load(List<Server> servers, int perNode, int workersPerNode) throws Exception {
		List<Workers> groups = new ArrayList<>();
		for (int i = 0; i < servers.size(); i++) {
			groups.add(Workers.start(this.args, servers.get(i), perNode, workersPerNode, 1, this.workDir, i * perNode,
					i * workersPerNode));
		}
		return Workers.of(groups);
	}

	private static List<JsonNode> stages(List<Server> servers) throws Exception {
		List<JsonNode> stages = new ArrayList<>();
		for (Server server : servers) {
			stages.add(server.get("/bench/stats?gc=false").get("stages"));
		}
		return stages;
	}

	private static long[] compilerNanos(List<Server> servers) {
		return servers.stream().mapToLong((server) -> ProcStats.compilerCpuNanos(server.pid())).toArray();
	}

	private static boolean hasConnections(Server server) {
		try {
			return server.connections() > 0;
		}
		catch (Exception ex) {
			return true;
		}
	}

	/**
	 * A running cluster: its Redis and its gateway nodes.
	 *
	 * @param redisPort the Redis port on loopback
	 * @param brokerPid the Kafka broker's process
	 * @param servers the gateway nodes
	 */
	record Cluster(int redisPort, long brokerPid, List<Server> servers) {
	}

}
