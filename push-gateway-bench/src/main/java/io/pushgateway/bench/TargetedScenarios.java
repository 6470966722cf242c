package io.pushgateway.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;

/**
 * The gateway's scenarios of paced pushes to single users: {@code targeted} (through
 * {@code PushTemplate} and through the HTTP push API), {@code acks} (plain pushes beside
 * acknowledged ones) and {@code slow} (healthy connections' latency beside slow
 * consumers).
 *
 * @author Push Gateway team
 */
final class TargetedScenarios {

	private final LoadPlan plan;

	private final Server server;

	TargetedScenarios(LoadPlan plan, Server server) {
		this.plan = plan;
		this.server = server;
	}

	void targeted(Map<String, Object> result) throws Exception {
		this.server.requireGateway();
		Args args = this.plan.args();
		int rate = args.getInt("rate", 2000);
		int seconds = args.getInt("seconds", 20);
		try (Workers load = this.plan.start(this.server, this.plan.withHttp(HttpLoad.PACED_HTTP_CONNECTIONS), 1)) {
			int open = (int) load.connect().get("ok");
			result.put("connections", open);
			result.put("rate", rate);
			result.put("seconds", seconds);
			// warm up both paths (JIT compilation)
			int warmUp = args.getInt("warm-up-seconds", 10);
			this.server.post("/bench/targeted?rate=" + rate + "&seconds=" + warmUp + "&users=" + open);
			HttpLoad.httpPaced(this.server, open, rate, warmUp);
			load.awaitQuiet();

			load.reset();
			JsonNode template = this.server
				.post("/bench/targeted?rate=" + rate + "&seconds=" + seconds + "&users=" + open);
			long sent = template.get("sent").asLong();
			long received = load.awaitReceived(sent, Duration.ofSeconds(30));
			result.put("template", Results.delivery(sent, received, template.get("rejected").asLong(), load.report()));

			load.reset();
			long[] http = HttpLoad.httpPaced(this.server, open, rate, seconds);
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
	void acks(Map<String, Object> result) throws Exception {
		this.server.requireGateway();
		Args args = this.plan.args();
		int rate = args.getInt("rate", 2000);
		int seconds = args.getInt("seconds", 20);
		try (Workers load = this.plan.start(this.server, this.plan.connections(), 1)) {
			int open = (int) load.connect().get("ok");
			result.put("connections", open);
			result.put("rate", rate);
			result.put("seconds", seconds);
			int warmUp = args.getInt("warm-up-seconds", 10);
			this.server.post("/bench/targeted?rate=" + rate + "&seconds=" + warmUp + "&users=" + open);
			this.server
				.post("/bench/targeted-ack?rate=" + rate + "&seconds=" + warmUp + "&users=" + open + "&timeout=1000");
			load.awaitQuiet();
			for (String kind : new String[] { "plain", "acknowledged" }) {
				load.reset();
				long ackedBefore = this.server.get("/bench/stats?gc=false").path("ackRoundTrip").path("count").asLong();
				long cpuBefore = ProcStats.cpuNanos(this.server.pid());
				JsonNode run = this.server
					.post(("plain".equals(kind) ? "/bench/targeted?" : "/bench/targeted-ack?timeout=1000&") + "rate="
							+ rate + "&seconds=" + seconds + "&users=" + open);
				long sent = run.get("sent").asLong();
				long received = load.awaitReceived(sent, Duration.ofSeconds(30));
				long cpu = ProcStats.cpuNanos(this.server.pid()) - cpuBefore;
				Map<String, Object> figures = Results.delivery(sent, received, run.get("rejected").asLong(),
						load.report());
				figures.put("serverCpuMicrosPerPush", Math.round(cpu / 1000.0 / Math.max(1, sent) * 10) / 10.0);
				if ("acknowledged".equals(kind)) {
					JsonNode acks = this.server.get("/bench/stats?gc=false").path("ackRoundTrip");
					figures.put("acknowledged", acks.path("count").asLong() - ackedBefore);
					// percentiles of the whole run's timer (warm-up included), decaying
					// over Micrometer's default two minutes
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
	void slow(Map<String, Object> result) throws Exception {
		this.server.requireGateway();
		Args args = this.plan.args();
		int rate = args.getInt("rate", 2000);
		int tickRate = args.getInt("tick-rate", 200);
		int seconds = args.getInt("seconds", 20);
		int slowCount = args.getInt("slow", 200);
		try (Workers load = this.plan.start(this.server,
				this.plan.withHttp(slowCount + HttpLoad.PACED_HTTP_CONNECTIONS), 1);
				SlowSockets slow = SlowSockets.open(this.server.port(), slowCount)) {
			int open = (int) load.connect().get("ok");
			result.put("connections", open);
			result.put("slowConnections", slowCount);
			result.put("rate", rate);
			result.put("tickRate", tickRate);
			result.put("seconds", seconds);
			int warmUp = args.getInt("warm-up-seconds", 10);
			this.server.post("/bench/targeted?rate=" + rate + "&seconds=" + warmUp + "&users=" + open);
			load.awaitQuiet();
			for (boolean reading : new boolean[] { true, false }) {
				slow.reading(reading);
				load.reset();
				long cpuBefore = ProcStats.cpuNanos(this.server.pid());
				CompletableFuture<JsonNode> ticker = CompletableFuture.supplyAsync(() -> {
					try {
						return this.server.post("/bench/ticker?rate=" + tickRate + "&seconds=" + seconds);
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				});
				JsonNode targeted = this.server
					.post("/bench/targeted?rate=" + rate + "&seconds=" + seconds + "&users=" + open);
				ticker.join();
				long cpu = ProcStats.cpuNanos(this.server.pid()) - cpuBefore;
				long sent = targeted.get("sent").asLong();
				long received = load.awaitReceived(sent, Duration.ofSeconds(30));
				Map<String, Object> half = Results.delivery(sent, received, targeted.get("rejected").asLong(),
						load.report());
				half.put("serverCpuMillis", cpu / 1_000_000);
				half.put("slowConnectionsOpen", this.server.stats().get("connections").asInt() - open);
				result.put(reading ? "slowReading" : "slowStalled", half);
			}
		}
	}

}
