package io.pushgateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.DataFormatException;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark coordinator: starts the server under test (the gateway, the raw Netty
 * peer or the Socket.IO peer) as its own process, spreads the connections over several
 * {@link LoadWorker} processes, drives one scenario, measures the server from outside
 * ({@link ProcStats}) and from its own {@code /bench/stats}, and prints one JSON line of
 * results. {@code scripts/bench.sh} is the documented entry point; {@code all} runs every
 * scenario against every server and rewrites the table and charts in
 * {@code docs/performance.md}.
 *
 * @author Push Gateway team
 */
public final class Bench {

	static final JsonMapper JSON = new JsonMapper();

	/**
	 * The JVM flags of both JVM servers: G1 with a 1 GB cap, returning free heap after a
	 * full collection (docs/performance.md explains why).
	 */
	static final String SERVER_JVM = "-Xmx1g -XX:+UseG1GC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20";

	private final Args args;

	private final Path workDir;

	private final int connections;

	private final int workers;

	Bench(Args args) {
		this.args = args;
		this.workDir = Path.of(args.get("work-dir", "target/bench"));
		this.connections = args.getInt("connections", 19_000);
		this.workers = args.getInt("workers", Math.max(1, (this.connections + 9_499) / 9_500));
	}

	public static void main(String[] arguments) throws Exception {
		Args args = Args.parse(arguments);
		String scenario = args.positional().isEmpty() ? "help" : args.positional().get(0);
		Bench bench = new Bench(args);
		if ("all".equals(scenario)) {
			new BenchReport(bench, args).runAll();
		}
		else if ("report".equals(scenario)) {
			BenchReport.rewrite(args);
		}
		else {
			System.out.println(bench.run(scenario, args.get("target", "gateway")));
		}
		System.exit(0);
	}

	/**
	 * Run one scenario against one server.
	 * @param scenario idle, ramp, broadcast, targeted or http-api
	 * @param target gateway, netty or socketio
	 * @return the result as one JSON line
	 * @throws Exception on failure
	 */
	String run(String scenario, String target) throws Exception {
		Files.createDirectories(this.workDir);
		if ("cluster".equals(scenario)) {
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("scenario", scenario);
			result.put("target", "gateway");
			cluster(result);
			return JSON.writeValueAsString(result);
		}
		int perUser = "http-api".equals(scenario) ? 10 : 1;
		try (Server server = Server.start(target, this.workDir, this.args)) {
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("scenario", scenario);
			result.put("target", target);
			switch (scenario) {
				case "idle" -> idle(server, result);
				case "ramp" -> {
					// the first round compiles the handshake path; the second is measured
					warmUp(server, perUser);
					try (Workers load = Workers.start(server, this.connections, this.workers, perUser, this.workDir)) {
						ramp(server, load, result);
					}
				}
				case "broadcast" -> broadcast(server, result);
				case "targeted" -> targeted(server, result);
				case "http-api" -> httpApi(server, result);
				case "soak" -> soak(server, result);
				case "cluster" -> {
					// the cluster scenario starts its own servers
				}
				default -> throw new IllegalArgumentException("unknown scenario '" + scenario
						+ "'; one of idle, ramp, broadcast, targeted, http-api, soak, cluster, all, report");
			}
			return JSON.writeValueAsString(result);
		}
	}

	private void idle(Server server, Map<String, Object> result) throws Exception {
		// a first round warms up what is paid once, not per connection (JIT-compiled
		// code,
		// buffer pools, thread caches), so the difference below is what connections cost
		warmUp(server, 1);
		JsonNode before = server.stats();
		long rssBefore = settledRss(server);
		try (Workers load = Workers.start(server, this.connections, this.workers, 1, this.workDir)) {
			Map<String, Object> ramp = load.connect();
			int open = (int) ramp.get("ok");
			// let handshake garbage and buffers settle, then measure after a full
			// collection
			Thread.sleep(this.args.getInt("settle-ms", 5000));
			JsonNode after = server.stats();
			long rssAfter = settledRss(server);
			result.put("connections", open);
			result.put("failed", ramp.get("failed"));
			result.put("rssMiB", round(rssAfter / 1048576.0));
			result.put("rssBytesPerConnection", (open > 0) ? (rssAfter - rssBefore) / open : 0);
			result.put("heapBytesPerConnection",
					(open > 0) ? (after.get("heapAfterGc").asLong() - before.get("heapAfterGc").asLong()) / open : 0);
			result.put("serverConnections", after.get("connections").asLong());
		}
	}

	/* Connect everything once and close it again. */
	private void warmUp(Server server, int perUser) throws Exception {
		try (Workers warmUp = Workers.start(server, this.connections, this.workers, perUser, this.workDir)) {
			warmUp.connect();
		}
		awaitConnections(server, 0);
	}

	/*
	 * Resident memory once it stopped falling after a collection: the JVM returns freed
	 * heap to the system concurrently (G1 since JDK 17), so RSS read right after a GC is
	 * whatever happened to be returned by then.
	 */
	private static long settledRss(Server server) {
		long previous = ProcStats.rssBytes(server.pid());
		for (int i = 0; i < 20; i++) {
			sleep(500);
			long now = ProcStats.rssBytes(server.pid());
			if (now >= previous - 64 * 1024) {
				return now;
			}
			previous = now;
		}
		return previous;
	}

	private static void awaitConnections(Server server, long expected) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (server.connections() != expected && System.nanoTime() < deadline) {
			sleep(200);
		}
	}

	private void ramp(Server server, Workers load, Map<String, Object> result) {
		long cpuBefore = ProcStats.cpuNanos(server.pid());
		Map<String, Object> ramp = load.connect();
		long cpu = ProcStats.cpuNanos(server.pid()) - cpuBefore;
		int open = (int) ramp.get("ok");
		double seconds = (double) ramp.get("seconds");
		result.put("connections", open);
		result.put("failed", ramp.get("failed"));
		result.put("seconds", round(seconds));
		result.put("handshakesPerSecond", Math.round(open / seconds));
		result.put("cpuMicrosPerHandshake", (open > 0) ? round(cpu / 1000.0 / open) : 0);
	}

	private void broadcast(Server server, Map<String, Object> result) throws Exception {
		try (Workers load = Workers.start(server, this.connections, this.workers, 1, this.workDir)) {
			int open = (int) load.connect().get("ok");
			result.put("connections", open);
			for (int i = 0; i < this.args.getInt("warm-up-broadcasts", 20); i++) {
				oneBroadcast(server, load, open);
			}
			List<Double> times = new ArrayList<>();
			Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
			int rounds = this.args.getInt("broadcasts", 10);
			for (int i = 0; i < rounds; i++) {
				Histogram one = oneBroadcast(server, load, open);
				times.add(one.getMaxValue() / 1e6);
				all.add(one);
			}
			times.sort(Double::compare);
			Map<String, Object> last = new LinkedHashMap<>();
			last.put("median", round(times.get(times.size() / 2)));
			last.put("min", round(times.get(0)));
			last.put("max", round(times.get(times.size() - 1)));
			result.put("lastClientMillis", last);
			result.put("deliveryMillis", percentiles(all));
			result.put("distribution", distribution(all));
			// sustained: server CPU per delivered message, from the process's own
			// accounting
			int rate = this.args.getInt("broadcast-rate", 10);
			int seconds = this.args.getInt("seconds", 10);
			load.reset();
			long cpuBefore = ProcStats.cpuNanos(server.pid());
			JsonNode sent = server.post("/bench/broadcast-stream?rate=" + rate + "&seconds=" + seconds);
			long expected = sent.get("sent").asLong() * open;
			long received = load.awaitReceived(expected, Duration.ofSeconds(60));
			long cpu = ProcStats.cpuNanos(server.pid()) - cpuBefore;
			Map<String, Object> sustained = new LinkedHashMap<>();
			sustained.put("broadcastsPerSecond", rate);
			sustained.put("seconds", seconds);
			sustained.put("delivered", received);
			sustained.put("lost", expected - received);
			sustained.put("cpuNanosPerDelivery", (received > 0) ? cpu / received : 0);
			sustained.put("deliveryMillis", percentiles(load.report()));
			result.put("sustained", sustained);
		}
	}

	private Histogram oneBroadcast(Server server, Workers load, int open) throws Exception {
		load.reset();
		server.post("/bench/broadcast");
		load.awaitReceived(open, Duration.ofSeconds(60));
		return load.report();
	}

	private void targeted(Server server, Map<String, Object> result) throws Exception {
		requireGateway(server);
		int rate = this.args.getInt("rate", 2000);
		int seconds = this.args.getInt("seconds", 20);
		try (Workers load = Workers.start(server, withHttp(PACED_HTTP_CONNECTIONS), this.workers, 1, this.workDir)) {
			int open = (int) load.connect().get("ok");
			result.put("connections", open);
			result.put("rate", rate);
			result.put("seconds", seconds);
			// warm up both paths (JIT compilation)
			int warmUp = this.args.getInt("warm-up-seconds", 10);
			server.post("/bench/targeted?rate=" + rate + "&seconds=" + warmUp + "&users=" + open);
			httpPaced(server, open, rate, warmUp);
			load.awaitQuiet();

			load.reset();
			JsonNode template = server.post("/bench/targeted?rate=" + rate + "&seconds=" + seconds + "&users=" + open);
			long sent = template.get("sent").asLong();
			long received = load.awaitReceived(sent, Duration.ofSeconds(30));
			result.put("template", delivery(sent, received, template.get("rejected").asLong(), load.report()));

			load.reset();
			long[] http = httpPaced(server, open, rate, seconds);
			received = load.awaitReceived(http[0], Duration.ofSeconds(30));
			result.put("http", delivery(http[0], received, http[1], load.report()));
		}
	}

	private void httpApi(Server server, Map<String, Object> result) throws Exception {
		requireGateway(server);
		int concurrency = this.args.getInt("concurrency", 600);
		int seconds = this.args.getInt("seconds", 20);
		try (Workers load = Workers.start(server, withHttp(concurrency), this.workers, 10, this.workDir)) {
			int open = (int) load.connect().get("ok");
			int users = open / 10;
			result.put("connections", open);
			result.put("users", users);
			result.put("concurrency", concurrency);
			httpClosedLoop(server, users, concurrency, this.args.getInt("warm-up-seconds", 10));
			load.awaitQuiet();
			load.reset();
			long cpuBefore = ProcStats.cpuNanos(server.pid());
			long[] done = httpClosedLoop(server, users, concurrency, seconds);
			long cpu = ProcStats.cpuNanos(server.pid()) - cpuBefore;
			long expected = done[0] * 10;
			long received = load.awaitReceived(expected, Duration.ofSeconds(60));
			result.put("seconds", seconds);
			result.put("pushesPerSecond", Math.round(done[0] / (double) seconds));
			result.put("failedRequests", done[1]);
			result.put("deliveries", received);
			result.put("lost", expected - received);
			result.put("serverCpuMicrosPerPush", (done[0] > 0) ? round(cpu / 1000.0 / done[0]) : 0);
			result.put("deliveryMillis", percentiles(load.report()));
		}
	}

	/** HTTP connections of the paced HTTP push load. */
	private static final int PACED_HTTP_CONNECTIONS = 256;

	/*
	 * WebSocket connections that leave room for {@code http} HTTP connections within one
	 * server process's 20,000 open files (sockets, jars, epoll and pipe descriptors).
	 */
	private int withHttp(int http) {
		return Math.min(this.connections, 18_900 - http);
	}

	/*
	 * Connection churn plus pushes for a long time: the server's heap after a full
	 * collection, its open files and its RSS are sampled, and must stay flat.
	 */
	private void soak(Server server, Map<String, Object> result) throws Exception {
		requireGateway(server);
		int connections = Math.min(this.connections, this.args.getInt("soak-connections", 10_000));
		int seconds = this.args.getInt("soak-seconds", 600);
		int churn = this.args.getInt("churn", 20);
		int rate = this.args.getInt("rate", 200);
		int every = this.args.getInt("sample-seconds", 30);
		try (Workers load = Workers.start(server, connections, this.workers, 1, this.workDir)) {
			int open = (int) load.connect().get("ok");
			load.reset();
			CompletableFuture<JsonNode> pushes = CompletableFuture.supplyAsync(() -> {
				try {
					return server.post("/bench/targeted?rate=" + rate + "&seconds=" + seconds + "&users=" + open,
							Duration.ofSeconds(seconds + 120L));
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			List<Map<String, Object>> samples = new ArrayList<>();
			long start = System.nanoTime();
			long churned = 0;
			for (int second = 1; second <= seconds; second++) {
				long due = start + TimeUnit.SECONDS.toNanos(second);
				churned += load.churn(churn);
				long wait = due - System.nanoTime();
				if (wait > 0) {
					sleep(TimeUnit.NANOSECONDS.toMillis(wait));
				}
				if (second % every == 0 || second == seconds) {
					JsonNode stats = server.stats();
					Map<String, Object> sample = new LinkedHashMap<>();
					sample.put("second", second);
					sample.put("heapMiB", round(stats.get("heapAfterGc").asLong() / 1048576.0));
					sample.put("openFiles", ProcStats.openFiles(server.pid()));
					sample.put("rssMiB", round(ProcStats.rssBytes(server.pid()) / 1048576.0));
					sample.put("connections", stats.get("connections").asLong());
					samples.add(sample);
				}
			}
			JsonNode sent = pushes.get(60, TimeUnit.SECONDS);
			long received = load.awaitReceived(sent.get("delivered").asLong(), Duration.ofSeconds(30));
			Map<String, Object> first = samples.get(0);
			Map<String, Object> last = samples.get(samples.size() - 1);
			result.put("connections", open);
			result.put("seconds", seconds);
			result.put("reconnects", churned);
			result.put("pushesSent", sent.get("sent").asLong());
			result.put("pushesDeliveredByServer", sent.get("delivered").asLong());
			result.put("pushesReceived", received);
			result.put("heapGrowthMiB", round((double) last.get("heapMiB") - (double) first.get("heapMiB")));
			result.put("openFilesGrowth", (long) last.get("openFiles") - (long) first.get("openFiles"));
			result.put("samples", samples);
		}
	}

	/*
	 * Several gateway nodes with a real {@code redis-server} (session registry) and a
	 * real Kafka broker (cluster bus, KRaft, from Maven Central jars), each node with its
	 * own share of the connections: Redis memory per session, one broadcast to every
	 * connection of the cluster issued on one node, and pushes from one node to users on
	 * the others.
	 */
	private void cluster(Map<String, Object> result) throws Exception {
		int nodes = this.args.getInt("nodes", 4);
		// about as many per node as one process can hold
		int perNode = this.args.getInt("cluster-connections", nodes * 19_000) / nodes;
		int rate = this.args.getInt("rate", 1000);
		int seconds = this.args.getInt("seconds", 20);
		List<AutoCloseable> running = new ArrayList<>();
		try {
			int redisPort = freePort();
			Process redis = new ProcessBuilder(this.args.get("redis-server", "redis-server"), "--port",
					Integer.toString(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
				.redirectErrorStream(true)
				.redirectOutput(this.workDir.resolve("redis.log").toFile())
				.start();
			running.add(redis::destroy);
			Process kafka = new ProcessBuilder(javaCommand(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
					"io.pushgateway.devtools.DevKafkaBroker")
				.redirectErrorStream(true)
				.start();
			running.add(kafka::destroy);
			String bootstrap = awaitLine(kafka, "ready on ", this.workDir.resolve("kafka.log"));
			List<String> extra = new ArrayList<>(List.of("--push.gateway.registry.type=redis",
					"--push.gateway.bus.type=kafka", "--push.gateway.bus.kafka.bootstrap-servers=" + bootstrap,
					"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort,
					"--push.gateway.node.worker-id-strategy=redis-lease"));
			// more node properties, such as
			// --node-args=--push.gateway.bus.routing=targeted
			if (this.args.has("node-args")) {
				extra.addAll(List.of(this.args.get("node-args", "").split(" ")));
			}
			List<Server> servers = new ArrayList<>();
			for (int i = 0; i < nodes; i++) {
				Server server = Server.start("gateway", this.workDir, this.args, extra, "node-" + i);
				running.add(server);
				servers.add(server);
			}
			long redisBefore = RedisInfo.usedMemory(redisPort);
			int workersPerNode = Math.max(1, (perNode + 9_499) / 9_500);
			List<Workers> groups = new ArrayList<>();
			for (int i = 0; i < nodes; i++) {
				Workers group = Workers.start(servers.get(i), perNode, workersPerNode, 1, this.workDir, i * perNode,
						i * workersPerNode);
				running.add(group);
				groups.add(group);
			}
			Workers load = Workers.of(groups);
			Map<String, Object> ramp = load.connect();
			int open = (int) ramp.get("ok");
			result.put("nodes", nodes);
			result.put("connections", open);
			result.put("failed", ramp.get("failed"));
			// the registry writes in batches; wait until every session is in Redis (one
			// connection per user here, so the online users are the sessions)
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (RedisInfo.setSize(redisPort, "ws:users") < open && System.nanoTime() < deadline) {
				sleep(200);
			}
			long sessions = RedisInfo.setSize(redisPort, "ws:users");
			result.put("redisSessions", sessions);
			result.put("redisBytesPerSession",
					(sessions > 0) ? (RedisInfo.usedMemory(redisPort) - redisBefore) / sessions : 0);

			Server origin = servers.get(0);
			for (int i = 0; i < this.args.getInt("warm-up-broadcasts", 5); i++) {
				oneBroadcast(origin, load, open);
			}
			List<Double> times = new ArrayList<>();
			for (int i = 0; i < this.args.getInt("broadcasts", 5); i++) {
				times.add(oneBroadcast(origin, load, open).getMaxValue() / 1e6);
			}
			times.sort(Double::compare);
			Map<String, Object> last = new LinkedHashMap<>();
			last.put("median", round(times.get(times.size() / 2)));
			last.put("min", round(times.get(0)));
			last.put("max", round(times.get(times.size() - 1)));
			result.put("broadcastLastClientMillis", last);

			// pushes issued on node 0 to users on the other nodes: every one crosses
			// Kafka
			String path = "/bench/targeted?rate=" + rate + "&seconds=%d&users=" + (perNode * (nodes - 1)) + "&offset="
					+ perNode;
			origin.post(String.format(path, this.args.getInt("warm-up-seconds", 30)));
			load.awaitQuiet();
			load.reset();
			JsonNode sent = origin.post(String.format(path, seconds));
			long received = load.awaitReceived(sent.get("sent").asLong(), Duration.ofSeconds(60));
			Map<String, Object> crossNode = delivery(sent.get("sent").asLong(), received, sent.get("rejected").asLong(),
					load.report());
			crossNode.put("rate", rate);
			crossNode.put("seconds", seconds);
			result.put("crossNode", crossNode);
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

	/*
	 * Copy a process's output to a log until a line contains {@code marker}; the rest of
	 * that line.
	 */
	private static String awaitLine(Process process, String marker, Path log) throws IOException {
		BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		PrintWriter copy = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
		for (String line; (line = output.readLine()) != null;) {
			copy.println(line);
			int at = line.indexOf(marker);
			if (at >= 0) {
				Thread drain = new Thread(() -> {
					try {
						for (String rest; (rest = output.readLine()) != null;) {
							copy.println(rest);
						}
					}
					catch (IOException ex) {
						// the process ended
					}
				}, "bench-log-copy");
				drain.setDaemon(true);
				drain.start();
				return line.substring(at + marker.length()).trim();
			}
		}
		throw new IllegalStateException("process ended before '" + marker + "'; see " + log);
	}

	private static void requireGateway(Server server) {
		if (!"gateway".equals(server.target())) {
			throw new IllegalArgumentException("this scenario pushes through the gateway's PushTemplate and HTTP API");
		}
	}

	private static Map<String, Object> delivery(long sent, long received, long rejected, Histogram latencies) {
		Map<String, Object> delivery = new LinkedHashMap<>();
		delivery.put("sent", sent);
		delivery.put("received", received);
		delivery.put("lost", sent - received);
		delivery.put("rejected", rejected);
		delivery.put("latencyMillis", percentiles(latencies));
		delivery.put("distribution", distribution(latencies));
		return delivery;
	}

	static Map<String, Object> percentiles(Histogram histogram) {
		Map<String, Object> percentiles = new LinkedHashMap<>();
		percentiles.put("p50", round(histogram.getValueAtPercentile(50) / 1e6));
		percentiles.put("p99", round(histogram.getValueAtPercentile(99) / 1e6));
		percentiles.put("p99.9", round(histogram.getValueAtPercentile(99.9) / 1e6));
		percentiles.put("max", round(histogram.getMaxValue() / 1e6));
		return percentiles;
	}

	/* Latency in milliseconds at fixed percentiles, for charts. */
	static List<List<Double>> distribution(Histogram histogram) {
		List<List<Double>> points = new ArrayList<>();
		for (double percentile : new double[] { 0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100 }) {
			points.add(List.of(percentile, round(histogram.getValueAtPercentile(percentile) / 1e6)));
		}
		return points;
	}

	static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

	/* Pushes through the HTTP API at a fixed rate: {sent with 200, failed}. */
	private static long[] httpPaced(Server server, int users, int rate, int seconds) {
		reactor.netty.http.client.HttpClient client = httpClient(server, PACED_HTTP_CONNECTIONS);
		AtomicLong ok = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		AtomicLong pending = new AtomicLong();
		Pacer.run(rate, seconds, () -> {
			pending.incrementAndGet();
			httpPush(client, users).doFinally((signal) -> pending.decrementAndGet()).subscribe((status) -> {
				if (status == 200) {
					ok.incrementAndGet();
				}
				else if (failed.incrementAndGet() == 1) {
					System.err.println("HTTP push answered " + status);
				}
			}, (error) -> {
				if (failed.incrementAndGet() == 1) {
					System.err.println("HTTP push failed: " + error);
				}
			});
		});
		awaitZero(pending);
		return new long[] { ok.get(), failed.get() };
	}

	/*
	 * Keeps {@code concurrency} HTTP pushes in flight for a time: {completed with 200,
	 * failed}.
	 */
	private static long[] httpClosedLoop(Server server, int users, int concurrency, int seconds) {
		reactor.netty.http.client.HttpClient client = httpClient(server, concurrency);
		AtomicLong ok = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		Flux.range(0, concurrency)
			.flatMap((lane) -> Flux.defer(() -> httpPush(client, users))
				.repeat(() -> System.nanoTime() < end)
				.doOnNext((status) -> ((status == 200) ? ok : failed).incrementAndGet())
				.onErrorResume((error) -> {
					failed.incrementAndGet();
					return Mono.empty();
				}), concurrency)
			.blockLast(Duration.ofSeconds(seconds + 60L));
		return new long[] { ok.get(), failed.get() };
	}

	private static reactor.netty.http.client.HttpClient httpClient(Server server, int connections) {
		ConnectionProvider provider = ConnectionProvider.builder("bench-http")
			.maxConnections(connections)
			.pendingAcquireMaxCount(-1)
			.build();
		return reactor.netty.http.client.HttpClient.create(provider)
			.baseUrl("http://127.0.0.1:" + server.port())
			.headers((headers) -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + BenchGateway.API_TOKEN)
				.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
	}

	private static Mono<Integer> httpPush(reactor.netty.http.client.HttpClient client, int users) {
		String uid = "u" + ThreadLocalRandom.current().nextInt(users);
		return client.post()
			.uri("/push-api/users/" + uid + "?event=t")
			.send(ByteBufFlux.fromString(Mono.fromSupplier(() -> "{\"n\":" + System.nanoTime() + "}")))
			.responseSingle((response, body) -> body.then(Mono.just(response.status().code())));
	}

	private static void awaitZero(AtomicLong pending) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (pending.get() > 0 && System.nanoTime() < deadline) {
			sleep(10);
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/*
	 * A free port below the ephemeral range (32768 and up on Linux), so no client socket
	 * of an earlier run, bound to an ephemeral port, can collide with the server.
	 */
	static int freePort() {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
			try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
				return socket.getLocalPort();
			}
			catch (IOException ex) {
				// taken: try another
			}
		}
		throw new IllegalStateException("no free port between 20000 and 32000");
	}

	static String javaCommand() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/** The server under test, as a child process. */
	static final class Server implements AutoCloseable {

		/**
		 * HTTP/1.1: an h2c upgrade offer would reach Socket.IO's upgrade handler, which
		 * drops it.
		 */
		private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

		private final String target;

		private final int port;

		private final Process process;

		private Server(String target, int port, Process process) {
			this.target = target;
			this.port = port;
			this.process = process;
		}

		static Server start(String target, Path workDir, Args args) throws IOException {
			return start(target, workDir, args, List.of(), target + "-server");
		}

		static Server start(String target, Path workDir, Args args, List<String> extra, String name)
				throws IOException {
			int port = freePort();
			List<String> command = new ArrayList<>();
			// the same flags for both JVM servers
			List<String> jvm = List.of(args.get("server-jvm", SERVER_JVM).split(" "));
			switch (target) {
				case "gateway" -> {
					command.add(javaCommand());
					command.addAll(jvm);
					command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchGateway.class.getName(),
							"--server.port=" + port));
					command.addAll(extra);
				}
				case "netty" -> {
					command.add(javaCommand());
					command.addAll(jvm);
					command.addAll(List.of("-cp", System.getProperty("java.class.path"), NettyPeer.class.getName(),
							Integer.toString(port)));
				}
				case "socketio" -> command.addAll(List.of(args.get("node", "node"), "--expose-gc",
						socketIoScript(args).toString(), Integer.toString(port)));
				default -> throw new IllegalArgumentException("unknown target '" + target + "'");
			}
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(workDir.resolve(name + ".log").toFile())
				.start();
			Server server = new Server(target, port, process);
			server.awaitReady();
			return server;
		}

		private static Path socketIoScript(Args args) {
			Path script = Path.of(args.get("socketio-dir", "push-gateway-bench/socketio"), "server.js");
			if (!Files.exists(script)) {
				script = Path.of("socketio", "server.js");
			}
			return script.toAbsolutePath();
		}

		String target() {
			return this.target;
		}

		int port() {
			return this.port;
		}

		long pid() {
			return this.process.pid();
		}

		private void awaitReady() {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException(this.target + " server exited; see its log");
				}
				try {
					if (HTTP.send(request("/bench/stats").GET().build(), HttpResponse.BodyHandlers.ofString())
						.statusCode() == 200) {
						return;
					}
				}
				catch (IOException ex) {
					// not listening yet
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
				sleep(100);
			}
			throw new IllegalStateException(this.target + " server did not start within 60 s");
		}

		JsonNode stats() throws Exception {
			return call(request("/bench/stats").GET());
		}

		/* The open connections, without a collection. */
		long connections() throws Exception {
			return call(request("/bench/stats?gc=false").GET()).get("connections").asLong();
		}

		JsonNode post(String path) throws Exception {
			return call(request(path).POST(HttpRequest.BodyPublishers.noBody()));
		}

		/* A POST that takes long: the server answers when its paced run ends. */
		JsonNode post(String path, Duration timeout) throws Exception {
			return call(request(path).timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()));
		}

		private JsonNode call(HttpRequest.Builder request) throws Exception {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(this.target + " answered " + response.statusCode());
			}
			return JSON.readTree(response.body());
		}

		private HttpRequest.Builder request(String path) {
			return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.timeout(Duration.ofMinutes(15));
		}

		@Override
		public void close() {
			this.process.destroy();
			try {
				if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	/** The load generator processes, driven together. */
	static final class Workers implements AutoCloseable {

		private final List<Worker> workers;

		private Workers(List<Worker> workers) {
			this.workers = workers;
		}

		static Workers start(Server server, int connections, int count, int perUser, Path workDir) throws IOException {
			return start(server, connections, count, perUser, workDir, 0, 0);
		}

		/*
		 * Workers whose connections start at global index {@code first}, numbered from
		 * {@code firstWorker}.
		 */
		static Workers start(Server server, int connections, int count, int perUser, Path workDir, int first,
				int firstWorker) throws IOException {
			List<Worker> workers = new ArrayList<>();
			int share = connections / count;
			for (int i = 0; i < count; i++) {
				int n = (i == count - 1) ? connections - share * (count - 1) : share;
				List<String> command = List.of(javaCommand(), "-Xmx512m", "-XX:+UseSerialGC", "-Xss256k", "-cp",
						System.getProperty("java.class.path"), LoadWorker.class.getName(), "--target", server.target(),
						"--port", Integer.toString(server.port()), "--count", Integer.toString(n), "--first",
						Integer.toString(first + share * i), "--per-user", Integer.toString(perUser), "--worker",
						Integer.toString(firstWorker + i));
				Process process = new ProcessBuilder(command)
					.redirectError(workDir.resolve("worker-" + (firstWorker + i) + ".log").toFile())
					.start();
				workers.add(new Worker(process));
			}
			for (Worker worker : workers) {
				worker.expect("started", Duration.ofSeconds(60));
			}
			return new Workers(workers);
		}

		/* All workers of several groups, driven as one. */
		static Workers of(List<Workers> groups) {
			List<Worker> all = new ArrayList<>();
			groups.forEach((group) -> all.addAll(group.workers));
			return new Workers(all);
		}

		/* Connect everything at once; {ok, failed, seconds}. */
		Map<String, Object> connect() {
			this.workers.forEach((worker) -> worker.send("go"));
			int ok = 0;
			int failed = 0;
			double seconds = 0;
			for (Worker worker : this.workers) {
				JsonNode connected = worker.expect("connected", Duration.ofMinutes(5));
				ok += connected.get("ok").asInt();
				failed += connected.get("failed").asInt();
				seconds = Math.max(seconds, connected.get("seconds").asDouble());
			}
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("ok", ok);
			result.put("failed", failed);
			result.put("seconds", seconds);
			return result;
		}

		void reset() {
			this.workers.forEach((worker) -> worker.send("reset"));
			this.workers.forEach((worker) -> worker.expect("reset", Duration.ofSeconds(30)));
		}

		long received() {
			this.workers.forEach((worker) -> worker.send("count"));
			long received = 0;
			for (Worker worker : this.workers) {
				received += worker.expect("count", Duration.ofSeconds(30)).get("received").asLong();
			}
			return received;
		}

		/* Wait until the workers together received {@code expected} timed messages. */
		long awaitReceived(long expected, Duration timeout) {
			long deadline = System.nanoTime() + timeout.toNanos();
			long received = received();
			while (received < expected && System.nanoTime() < deadline) {
				sleep(5);
				received = received();
			}
			return received;
		}

		/** Wait until no more messages arrive (after a warm-up). */
		void awaitQuiet() {
			long last = -1;
			long now = received();
			while (now != last) {
				sleep(500);
				last = now;
				now = received();
			}
		}

		/* Ask every worker to close and reopen its share of {@code n} connections. */
		long churn(int n) {
			int share = Math.max(1, n / this.workers.size());
			this.workers.forEach((worker) -> worker.send("churn " + share));
			long closed = 0;
			for (Worker worker : this.workers) {
				closed += worker.expect("churned", Duration.ofSeconds(30)).get("closed").asLong();
			}
			return closed;
		}

		Histogram report() {
			this.workers.forEach((worker) -> worker.send("report"));
			Histogram merged = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
			for (Worker worker : this.workers) {
				String encoded = worker.expect("report", Duration.ofSeconds(30)).get("hist").asText();
				try {
					merged.add(Histogram
						.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0));
				}
				catch (DataFormatException ex) {
					throw new IllegalStateException(ex);
				}
			}
			return merged;
		}

		@Override
		public void close() {
			for (Worker worker : this.workers) {
				worker.process.destroy();
			}
			for (Worker worker : this.workers) {
				try {
					worker.process.waitFor(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				worker.process.destroyForcibly();
			}
		}

	}

	/** One load generator process and its JSON lines. */
	static final class Worker {

		private final Process process;

		private final PrintWriter commands;

		private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();

		Worker(Process process) {
			this.process = process;
			this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
			Thread reader = new Thread(() -> {
				try (BufferedReader output = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					for (String line; (line = output.readLine()) != null;) {
						if (line.startsWith("{")) {
							this.lines.add(JSON.readTree(line));
						}
					}
				}
				catch (IOException ex) {
					// the process ended
				}
			}, "bench-worker-reader");
			reader.setDaemon(true);
			reader.start();
		}

		void send(String command) {
			this.commands.println(command);
		}

		JsonNode expect(String type, Duration timeout) {
			long deadline = System.nanoTime() + timeout.toNanos();
			try {
				while (true) {
					JsonNode line = this.lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
					if (line == null) {
						throw new IllegalStateException("worker sent no '" + type + "' within " + timeout
								+ (this.process.isAlive() ? "" : "; it exited with " + this.process.exitValue()));
					}
					if (type.equals(line.get("type").asText())) {
						return line;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

	}

}
