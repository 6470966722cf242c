package io.pushgateway.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * The {@code heartbeat} scenario: idle connections on one gateway node with the Redis
 * session registry (a real {@code redis-server}), measured over a window longer than the
 * longest heartbeat interval: application pings the node receives per second, and the
 * registry's writes per second (last-seen syncs are {@code HSET}s inside the registry's
 * script; every Redis command is counted too). {@code --gateway-heartbeat=dynamic} turns
 * the dynamic heartbeat on, with {@code --promote-after} (20 s) and
 * {@code --max-interval} (100 s) short enough for one run to reach the longest interval
 * before the window opens.
 *
 * @author Push Gateway team
 */
final class HeartbeatScenario {

	private final Args args;

	private final Path workDir;

	private final int connections;

	private final int workers;

	HeartbeatScenario(Args args, Path workDir, int connections, int workers) {
		this.args = args;
		this.workDir = workDir;
		this.connections = connections;
		this.workers = workers;
	}

	void run(Map<String, Object> result) throws Exception {
		boolean dynamic = "dynamic".equals(this.args.get("gateway-heartbeat", "fixed"));
		int promoteAfter = this.args.getInt("promote-after", 20);
		int maxInterval = this.args.getInt("max-interval", 100);
		int window = this.args.getInt("window", 2 * maxInterval);
		int settle = this.args.getInt("settle", dynamic ? promoteAfter * 3 + 10 : 30);
		int lastSeenSync = this.args.getInt("last-seen-sync", 30);
		List<AutoCloseable> running = new ArrayList<>();
		try {
			int redisPort = Processes.freePort();
			Process redis = RedisInfo.startServer(this.args, this.workDir, redisPort);
			running.add(redis::destroy);
			List<String> extra = new ArrayList<>(List.of("--push.gateway.registry.type=redis",
					"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort,
					"--push.gateway.registry.last-seen-sync-interval=" + lastSeenSync + "s"));
			if (dynamic) {
				extra.addAll(List.of("--push.gateway.heartbeat.dynamic.enabled=true",
						"--push.gateway.heartbeat.dynamic.promote-after=" + promoteAfter + "s",
						"--push.gateway.heartbeat.dynamic.max-interval=" + maxInterval + "s"));
			}
			Server server = Server.start("gateway", this.workDir, this.args, extra, "gateway-server");
			running.add(server);
			Workers load = Workers.start(this.args, server, this.connections, this.workers, 1, this.workDir);
			running.add(load);
			int open = (int) load.connect().get("ok");
			result.put("connections", open);
			result.put("heartbeat", dynamic ? "dynamic" : "fixed");
			if (dynamic) {
				result.put("promoteAfterSeconds", promoteAfter);
				result.put("maxIntervalSeconds", maxInterval);
			}
			result.put("lastSeenSyncSeconds", lastSeenSync);
			result.put("windowSeconds", window);
			TimeUnit.SECONDS.sleep(settle);

			JsonNode before = server.stats();
			RedisInfo.resetStats(redisPort);
			long cpuBefore = ProcStats.cpuNanos(server.pid());
			TimeUnit.SECONDS.sleep(window);
			long cpu = ProcStats.cpuNanos(server.pid()) - cpuBefore;
			JsonNode after = server.stats();
			Map<String, Long> calls = RedisInfo.commandCalls(redisPort);
			long pings = after.get("pings").asLong() - before.get("pings").asLong();
			long all = calls.values().stream().mapToLong(Long::longValue).sum()
					- calls.getOrDefault("config|resetstat", 0L);
			result.put("connectionsAtEnd", after.get("connections").asLong());
			result.put("pingsPerSecond", Results.round(pings / (double) window));
			result.put("lastSeenWritesPerSecond", Results.round(calls.getOrDefault("hset", 0L) / (double) window));
			result.put("redisCommandsPerSecond", Results.round(all / (double) window));
			result.put("serverCpuMillisPerSecond", Results.round(cpu / 1e6 / window));
		}
		finally {
			for (int i = running.size() - 1; i >= 0; i--) {
				running.get(i).close();
			}
		}
	}

}
