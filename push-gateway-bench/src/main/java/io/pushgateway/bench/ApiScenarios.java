package io.pushgateway.bench;

import java.time.Duration;
import java.util.Map;

/**
 * The gateway's push API scenarios, {@code http-api} and {@code grpc-api}: the same
 * connections (10 per user) and the same closed loop of {@code --concurrency} pushes in
 * flight to random users, through the HTTP API or the gRPC API, so that the two
 * scenarios' pushes per second and server CPU per push compare directly.
 *
 * @author Push Gateway team
 */
final class ApiScenarios {

	private final LoadPlan plan;

	private final Server server;

	ApiScenarios(LoadPlan plan, Server server) {
		this.plan = plan;
		this.server = server;
	}

	void httpApi(Map<String, Object> result) throws Exception {
		int concurrency = this.plan.args().getInt("concurrency", 600);
		closedLoopApi(result, concurrency,
				(users, seconds) -> HttpLoad.httpClosedLoop(this.server, users, concurrency, seconds));
	}

	/*
	 * Seed 001's test through the gRPC API instead of the HTTP API: the same connections
	 * (10 per user), the same closed loop of concurrent pushes to random users, so the
	 * two scenarios' pushes per second and server CPU per push compare directly.
	 */
	void grpcApi(int grpcPort, Map<String, Object> result) throws Exception {
		int concurrency = this.plan.args().getInt("concurrency", 600);
		closedLoopApi(result, GrpcLoad.CHANNELS_RESERVED,
				(users, seconds) -> GrpcLoad.closedLoop(grpcPort, users, concurrency, seconds));
	}

	/*
	 * 10 connections per user; a warm-up, then the measured closed loop of pushes to
	 * random users: pushes per second, server CPU per push, and delivery times.
	 */
	private void closedLoopApi(Map<String, Object> result, int reservedFiles, ClosedLoop loop) throws Exception {
		this.server.requireGateway();
		Args args = this.plan.args();
		int seconds = args.getInt("seconds", 20);
		try (Workers load = this.plan.start(this.server, this.plan.withHttp(reservedFiles), 10)) {
			int open = (int) load.connect().get("ok");
			int users = open / 10;
			result.put("connections", open);
			result.put("users", users);
			result.put("concurrency", args.getInt("concurrency", 600));
			loop.run(users, args.getInt("warm-up-seconds", 10));
			load.awaitQuiet();
			load.reset();
			long cpuBefore = ProcStats.cpuNanos(this.server.pid());
			long[] done = loop.run(users, seconds);
			long cpu = ProcStats.cpuNanos(this.server.pid()) - cpuBefore;
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

	/** A closed loop of pushes: {@code [succeeded, failed]}. */
	@FunctionalInterface
	private interface ClosedLoop {

		long[] run(int users, int seconds) throws Exception;

	}

}
