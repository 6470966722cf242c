package io.pushgateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
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
		if ("heartbeat".equals(scenario)) {
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("scenario", scenario);
			result.put("target", "gateway");
			new HeartbeatScenario(this.args, this.workDir, this.connections, this.workers).run(result);
			return JSON.writeValueAsString(result);
		}
		if ("order".equals(scenario)) {
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("scenario", scenario);
			result.put("target", "gateway");
			new OrderScenario(this.args, this.workDir).run(result);
			return JSON.writeValueAsString(result);
		}
		if ("cluster".equals(scenario)) {
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("scenario", scenario);
			result.put("target", "gateway");
			new ClusterScenario(this, this.args, this.workDir).run(result);
			return JSON.writeValueAsString(result);
		}
		int perUser = ("http-api".equals(scenario) || "grpc-api".equals(scenario)) ? 10 : 1;
		int grpcPort = freePort();
		// the gRPC API only where it is measured: elsewhere its server would be one more
		// thing in the process
		try (Server server = "grpc-api".equals(scenario)
				? Server.start(target, this.workDir, this.args,
						List.of("--push.gateway.grpc.enabled=true", "--push.gateway.grpc.port=" + grpcPort,
								"--push.gateway.grpc.address=127.0.0.1"),
						target + "-server")
				: Server.start(target, this.workDir, this.args)) {
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("scenario", scenario);
			result.put("target", target);
			if (this.args.has("gateway-security")) {
				result.put("variant", "spring-security");
			}
			if (this.args.has("gateway-observations")) {
				result.put("variant", "observations");
			}
			if (this.args.has("gateway-undelivered")) {
				result.put("variant", "undelivered-all-pushes");
			}
			if (this.args.has("gateway-slow-policy")) {
				result.put("variant", "slow-policy-" + this.args.get("gateway-slow-policy", "close"));
			}
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
				case "acks" -> acks(server, result);
				case "slow" -> slow(server, result);
				case "http-api" -> httpApi(server, result);
				case "grpc-api" -> grpcApi(server, grpcPort, result);
				case "soak" -> soak(server, result);
				case "cluster" -> {
					// the cluster scenario starts its own servers
				}
				default -> throw new IllegalArgumentException("unknown scenario '" + scenario
						+ "'; one of idle, ramp, broadcast, targeted, slow, heartbeat, http-api, grpc-api, soak, cluster, all, "
						+ "report");
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
			result.put("rssMiB", Results.round(rssAfter / 1048576.0));
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
	static long settledRss(Server server) {
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

	static void awaitConnections(Server server, long expected) throws Exception {
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
		result.put("seconds", Results.round(seconds));
		result.put("handshakesPerSecond", Math.round(open / seconds));
		result.put("cpuMicrosPerHandshake", (open > 0) ? Results.round(cpu / 1000.0 / open) : 0);
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
			last.put("median", Results.round(times.get(times.size() / 2)));
			last.put("min", Results.round(times.get(0)));
			last.put("max", Results.round(times.get(times.size() - 1)));
			result.put("lastClientMillis", last);
			result.put("deliveryMillis", Results.percentiles(all));
			result.put("distribution", Results.distribution(all));
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
			sustained.put("deliveryMillis", Results.percentiles(load.report()));
			result.put("sustained", sustained);
		}
	}

	Histogram oneBroadcast(Server server, Workers load, int open) throws Exception {
		load.reset();
		server.post("/bench/broadcast");
		load.awaitReceived(open, Duration.ofSeconds(60));
		return load.report();
	}

	private void targeted(Server server, Map<String, Object> result) throws Exception {
		requireGateway(server);
		int rate = this.args.getInt("rate", 2000);
		int seconds = this.args.getInt("seconds", 20);
		try (Workers load = Workers.start(server, withHttp(HttpLoad.PACED_HTTP_CONNECTIONS), this.workers, 1,
				this.workDir)) {
			int open = (int) load.connect().get("ok");
			result.put("connections", open);
			result.put("rate", rate);
			result.put("seconds", seconds);
			// warm up both paths (JIT compilation)
			int warmUp = this.args.getInt("warm-up-seconds", 10);
			server.post("/bench/targeted?rate=" + rate + "&seconds=" + warmUp + "&users=" + open);
			HttpLoad.httpPaced(server, open, rate, warmUp);
			load.awaitQuiet();

			load.reset();
			JsonNode template = server.post("/bench/targeted?rate=" + rate + "&seconds=" + seconds + "&users=" + open);
			long sent = template.get("sent").asLong();
			long received = load.awaitReceived(sent, Duration.ofSeconds(30));
			result.put("template", Results.delivery(sent, received, template.get("rejected").asLong(), load.report()));

			load.reset();
			long[] http = HttpLoad.httpPaced(server, open, rate, seconds);
			received = load.awaitReceived(http[0], Duration.ofSeconds(30));
			result.put("http", Results.delivery(http[0], received, http[1], load.report()));
		}
	}

	/*
	 * Acknowledged pushes beside plain ones (seed 000 measured both): the same paced
	 * targeted pushes through PushTemplate, first plain, then each asking its connection
	 * for an acknowledgement (the load generator acknowledges at once). Server CPU per
	 * push for both, delivery latency, and the acknowledgement round trip (issued to
	 * acknowledged, on the server) from the push.gateway.acks.round.trip timer.
	 */
	private void acks(Server server, Map<String, Object> result) throws Exception {
		requireGateway(server);
		int rate = this.args.getInt("rate", 2000);
		int seconds = this.args.getInt("seconds", 20);
		try (Workers load = Workers.start(server, this.connections, this.workers, 1, this.workDir)) {
			int open = (int) load.connect().get("ok");
			result.put("connections", open);
			result.put("rate", rate);
			result.put("seconds", seconds);
			int warmUp = this.args.getInt("warm-up-seconds", 10);
			server.post("/bench/targeted?rate=" + rate + "&seconds=" + warmUp + "&users=" + open);
			server.post("/bench/targeted-ack?rate=" + rate + "&seconds=" + warmUp + "&users=" + open + "&timeout=1000");
			load.awaitQuiet();
			for (String kind : new String[] { "plain", "acknowledged" }) {
				load.reset();
				long ackedBefore = server.get("/bench/stats?gc=false").path("ackRoundTrip").path("count").asLong();
				long cpuBefore = ProcStats.cpuNanos(server.pid());
				JsonNode run = server
					.post(("plain".equals(kind) ? "/bench/targeted?" : "/bench/targeted-ack?timeout=1000&") + "rate="
							+ rate + "&seconds=" + seconds + "&users=" + open);
				long sent = run.get("sent").asLong();
				long received = load.awaitReceived(sent, Duration.ofSeconds(30));
				long cpu = ProcStats.cpuNanos(server.pid()) - cpuBefore;
				Map<String, Object> figures = Results.delivery(sent, received, run.get("rejected").asLong(),
						load.report());
				figures.put("serverCpuMicrosPerPush", Math.round(cpu / 1000.0 / Math.max(1, sent) * 10) / 10.0);
				if ("acknowledged".equals(kind)) {
					JsonNode acks = server.get("/bench/stats?gc=false").path("ackRoundTrip");
					figures.put("acknowledged", acks.path("count").asLong() - ackedBefore);
					// percentiles of the whole run's timer (warm-up included), decaying
					// over
					// Micrometer's default two minutes
					figures.put("ackRoundTripMillis", Map.of("p50", acks.path("p50").asDouble(), "p99",
							acks.path("p99").asDouble(), "p99.9", acks.path("p99.9").asDouble()));
				}
				result.put(kind, figures);
			}
		}
	}

	/*
	 * Healthy connections' latency beside slow ones: targeted pushes to the healthy
	 * connections while a ticker pushes 2 KiB ticks of one event to a GUID that {@code
	 * slow} raw sockets are on. First those sockets read (the baseline), then they stop
	 * reading and fall behind, and the server's slow-consumer policy
	 * (--gateway-slow-policy) decides what happens to their ticks. Server CPU and the
	 * healthy connections' delivery times are reported for both halves.
	 */
	private void slow(Server server, Map<String, Object> result) throws Exception {
		requireGateway(server);
		int rate = this.args.getInt("rate", 2000);
		int tickRate = this.args.getInt("tick-rate", 200);
		int seconds = this.args.getInt("seconds", 20);
		int slowCount = this.args.getInt("slow", 200);
		try (Workers load = Workers.start(server, withHttp(slowCount + HttpLoad.PACED_HTTP_CONNECTIONS), this.workers,
				1, this.workDir); SlowSockets slow = SlowSockets.open(server.port(), slowCount)) {
			int open = (int) load.connect().get("ok");
			result.put("connections", open);
			result.put("slowConnections", slowCount);
			result.put("rate", rate);
			result.put("tickRate", tickRate);
			result.put("seconds", seconds);
			int warmUp = this.args.getInt("warm-up-seconds", 10);
			server.post("/bench/targeted?rate=" + rate + "&seconds=" + warmUp + "&users=" + open);
			load.awaitQuiet();
			for (boolean reading : new boolean[] { true, false }) {
				slow.reading(reading);
				load.reset();
				long cpuBefore = ProcStats.cpuNanos(server.pid());
				CompletableFuture<JsonNode> ticker = CompletableFuture.supplyAsync(() -> {
					try {
						return server.post("/bench/ticker?rate=" + tickRate + "&seconds=" + seconds);
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				});
				JsonNode targeted = server
					.post("/bench/targeted?rate=" + rate + "&seconds=" + seconds + "&users=" + open);
				ticker.join();
				long cpu = ProcStats.cpuNanos(server.pid()) - cpuBefore;
				long sent = targeted.get("sent").asLong();
				long received = load.awaitReceived(sent, Duration.ofSeconds(30));
				Map<String, Object> half = Results.delivery(sent, received, targeted.get("rejected").asLong(),
						load.report());
				half.put("serverCpuMillis", cpu / 1_000_000);
				half.put("slowConnectionsOpen", server.stats().get("connections").asInt() - open);
				result.put(reading ? "slowReading" : "slowStalled", half);
			}
		}
	}

	private void httpApi(Server server, Map<String, Object> result) throws Exception {
		int concurrency = this.args.getInt("concurrency", 600);
		closedLoopApi(server, result, concurrency,
				(users, seconds) -> HttpLoad.httpClosedLoop(server, users, concurrency, seconds));
	}

	/*
	 * Seed 001's test through the gRPC API instead of the HTTP API: the same connections
	 * (10 per user), the same closed loop of concurrent pushes to random users, so the
	 * two scenarios' pushes per second and server CPU per push compare directly.
	 */
	private void grpcApi(Server server, int grpcPort, Map<String, Object> result) throws Exception {
		int concurrency = this.args.getInt("concurrency", 600);
		closedLoopApi(server, result, GrpcLoad.CHANNELS_RESERVED,
				(users, seconds) -> GrpcLoad.closedLoop(grpcPort, users, concurrency, seconds));
	}

	/*
	 * 10 connections per user; a warm-up, then the measured closed loop of pushes to
	 * random users: pushes per second, server CPU per push, and delivery times.
	 */
	private void closedLoopApi(Server server, Map<String, Object> result, int reservedFiles, ClosedLoop loop)
			throws Exception {
		requireGateway(server);
		int seconds = this.args.getInt("seconds", 20);
		try (Workers load = Workers.start(server, withHttp(reservedFiles), this.workers, 10, this.workDir)) {
			int open = (int) load.connect().get("ok");
			int users = open / 10;
			result.put("connections", open);
			result.put("users", users);
			result.put("concurrency", this.args.getInt("concurrency", 600));
			loop.run(users, this.args.getInt("warm-up-seconds", 10));
			load.awaitQuiet();
			load.reset();
			long cpuBefore = ProcStats.cpuNanos(server.pid());
			long[] done = loop.run(users, seconds);
			long cpu = ProcStats.cpuNanos(server.pid()) - cpuBefore;
			long expected = done[0] * 10;
			long received = load.awaitReceived(expected, Duration.ofSeconds(60));
			result.put("seconds", seconds);
			result.put("pushesPerSecond", Math.round(done[0] / (double) seconds));
			result.put("failedRequests", done[1]);
			result.put("deliveries", received);
			result.put("lost", expected - received);
			result.put("serverCpuMicrosPerPush", (done[0] > 0) ? Results.round(cpu / 1000.0 / done[0]) : 0);
			result.put("deliveryMillis", Results.percentiles(load.report()));
		}
	}

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
					sample.put("heapMiB", Results.round(stats.get("heapAfterGc").asLong() / 1048576.0));
					sample.put("openFiles", ProcStats.openFiles(server.pid()));
					sample.put("rssMiB", Results.round(ProcStats.rssBytes(server.pid()) / 1048576.0));
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
			result.put("heapGrowthMiB", Results.round((double) last.get("heapMiB") - (double) first.get("heapMiB")));
			result.put("openFilesGrowth", (long) last.get("openFiles") - (long) first.get("openFiles"));
			result.put("samples", samples);
		}
	}

	/*
	 * Copy a process's output to a log until a line contains {@code marker}; the rest of
	 * that line.
	 */
	static String awaitLine(Process process, String marker, Path log) throws IOException {
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

	static void requireGateway(Server server) {
		if (!"gateway".equals(server.target())) {
			throw new IllegalArgumentException("this scenario pushes through the gateway's PushTemplate and HTTP API");
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

	/** A closed loop of pushes: {@code [succeeded, failed]}. */
	@FunctionalInterface
	private interface ClosedLoop {

		long[] run(int users, int seconds) throws Exception;

	}

}
