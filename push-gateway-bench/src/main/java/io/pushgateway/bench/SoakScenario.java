package io.pushgateway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * The gateway's {@code soak} scenario: connection churn plus pushes for a long time. The
 * server's heap after a full collection, its open files and its RSS are sampled, and must
 * stay flat.
 *
 * @author Push Gateway team
 */
final class SoakScenario {

	private final LoadPlan plan;

	private final Server server;

	SoakScenario(LoadPlan plan, Server server) {
		this.plan = plan;
		this.server = server;
	}

	void run(Map<String, Object> result) throws Exception {
		this.server.requireGateway();
		Args args = this.plan.args();
		int connections = Math.min(this.plan.connections(), args.getInt("soak-connections", 10_000));
		int seconds = args.getInt("soak-seconds", 600);
		int churn = args.getInt("churn", 20);
		int rate = args.getInt("rate", 200);
		int every = args.getInt("sample-seconds", 30);
		try (Workers load = this.plan.start(this.server, connections, 1)) {
			int open = (int) load.connect().get("ok");
			load.reset();
			CompletableFuture<JsonNode> pushes = CompletableFuture.supplyAsync(() -> {
				try {
					return this.server.post("/bench/targeted?rate=" + rate + "&seconds=" + seconds + "&users=" + open,
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
					Processes.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
				}
				if (second % every == 0 || second == seconds) {
					samples.add(sample(second));
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

	/* The server's heap after a full collection, open files, RSS and connections. */
	private Map<String, Object> sample(int second) throws Exception {
		JsonNode stats = this.server.stats();
		Map<String, Object> sample = new LinkedHashMap<>();
		sample.put("second", second);
		sample.put("heapMiB", Results.round(stats.get("heapAfterGc").asLong() / 1048576.0));
		sample.put("openFiles", ProcStats.openFiles(this.server.pid()));
		sample.put("rssMiB", Results.round(ProcStats.rssBytes(this.server.pid()) / 1048576.0));
		sample.put("connections", stats.get("connections").asLong());
		return sample;
	}

}
