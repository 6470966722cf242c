package io.pushgateway.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * The scenarios that measure connections themselves, on any server: {@code idle} (what an
 * open connection costs in resident memory and heap) and {@code ramp} (handshakes per
 * second and server CPU per handshake). Both connect everything once and close it again
 * first, so that what is paid once (JIT-compiled code, buffer pools, thread caches) is
 * not counted per connection.
 *
 * @author Push Gateway team
 */
final class ConnectionScenarios {

	private final LoadPlan plan;

	private final Server server;

	ConnectionScenarios(LoadPlan plan, Server server) {
		this.plan = plan;
		this.server = server;
	}

	void idle(Map<String, Object> result) throws Exception {
		// a first round warms up what is paid once, not per connection (JIT-compiled
		// code, buffer pools, thread caches), so the difference below is what
		// connections cost
		warmUp(1);
		JsonNode before = this.server.stats();
		long rssBefore = settledRss(this.server);
		try (Workers load = this.plan.start(this.server, this.plan.connections(), 1)) {
			Map<String, Object> ramp = load.connect();
			int open = (int) ramp.get("ok");
			// let handshake garbage and buffers settle, then measure after a full
			// collection
			Thread.sleep(this.plan.args().getInt("settle-ms", 5000));
			JsonNode after = this.server.stats();
			long rssAfter = settledRss(this.server);
			result.put("connections", open);
			result.put("failed", ramp.get("failed"));
			result.put("rssMiB", Results.round(rssAfter / 1048576.0));
			result.put("rssBytesPerConnection", (open > 0) ? (rssAfter - rssBefore) / open : 0);
			result.put("heapBytesPerConnection",
					(open > 0) ? (after.get("heapAfterGc").asLong() - before.get("heapAfterGc").asLong()) / open : 0);
			result.put("serverConnections", after.get("connections").asLong());
		}
	}

	void ramp(Map<String, Object> result) throws Exception {
		// the first rounds compile the handshake path; the last is measured
		int warmUpRounds = Integer.parseInt(this.plan.args().get("warm-up-rounds", "4"));
		for (int i = 0; i < warmUpRounds; i++) {
			warmUp(1);
		}
		try (Workers load = this.plan.start(this.server, this.plan.connections(), 1)) {
			long cpuBefore = ProcStats.cpuNanos(this.server.pid());
			long jitBefore = ProcStats.compilerCpuNanos(this.server.pid());
			Map<String, Object> ramp = load.connect();
			long cpu = ProcStats.cpuNanos(this.server.pid()) - cpuBefore;
			long jit = ProcStats.compilerCpuNanos(this.server.pid()) - jitBefore;
			int open = (int) ramp.get("ok");
			double seconds = (double) ramp.get("seconds");
			result.put("connections", open);
			result.put("tokens", this.plan.args().get("tokens", "fresh"));
			result.put("failed", ramp.get("failed"));
			result.put("seconds", Results.round(seconds));
			result.put("handshakesPerSecond", Math.round(open / seconds));
			result.put("cpuMicrosPerHandshake", (open > 0) ? Results.round(cpu / 1000.0 / open) : 0);
			result.put("warmUpRounds", warmUpRounds);
			// of which the JIT compiler, still compiling the path: a one-off cost of a
			// young JVM, not of each handshake
			result.put("jitMicrosPerHandshake", (open > 0) ? Results.round(jit / 1000.0 / open) : 0);
		}
	}

	/* Connect everything once and close it again. */
	private void warmUp(int perUser) throws Exception {
		try (Workers warmUp = this.plan.start(this.server, this.plan.connections(), perUser)) {
			warmUp.connect();
		}
		awaitConnections(this.server, 0);
	}

	/*
	 * Resident memory once it stopped falling after a collection: the JVM returns freed
	 * heap to the system concurrently (G1 since JDK 17), so RSS read right after a GC is
	 * whatever happened to be returned by then.
	 */
	static long settledRss(Server server) {
		long previous = ProcStats.rssBytes(server.pid());
		for (int i = 0; i < 20; i++) {
			Processes.sleep(500);
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
			Processes.sleep(200);
		}
	}

}
