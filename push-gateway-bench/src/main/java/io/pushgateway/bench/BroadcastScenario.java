package io.pushgateway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * The {@code broadcast} scenario, on any server: single broadcasts to every connection
 * (the time until the last connection has one, and the distribution of delivery times),
 * then broadcasts at a sustained rate ({@code --broadcast-rate} per second for
 * {@code --seconds}) with the server's CPU per delivered message.
 *
 * @author Push Gateway team
 */
final class BroadcastScenario {

	private final LoadPlan plan;

	private final Server server;

	BroadcastScenario(LoadPlan plan, Server server) {
		this.plan = plan;
		this.server = server;
	}

	void run(Map<String, Object> result) throws Exception {
		Args args = this.plan.args();
		try (Workers load = this.plan.start(this.server, this.plan.connections(), 1)) {
			int open = (int) load.connect().get("ok");
			result.put("connections", open);
			for (int i = 0; i < args.getInt("warm-up-broadcasts", 20); i++) {
				oneBroadcast(this.server, load, open);
			}
			List<Double> times = new ArrayList<>();
			Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
			int rounds = args.getInt("broadcasts", 10);
			for (int i = 0; i < rounds; i++) {
				Histogram one = oneBroadcast(this.server, load, open);
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
			int rate = args.getInt("broadcast-rate", 10);
			int seconds = args.getInt("seconds", 10);
			load.reset();
			long cpuBefore = ProcStats.cpuNanos(this.server.pid());
			JsonNode sent = this.server.post("/bench/broadcast-stream?rate=" + rate + "&seconds=" + seconds);
			long expected = sent.get("sent").asLong() * open;
			long received = load.awaitReceived(expected, Duration.ofSeconds(60));
			long cpu = ProcStats.cpuNanos(this.server.pid()) - cpuBefore;
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

	/*
	 * One broadcast issued on {@code server}, awaited until {@code open} connections have
	 * it; their delivery times. The cluster scenario issues its broadcasts the same way.
	 */
	static Histogram oneBroadcast(Server server, Workers load, int open) throws Exception {
		load.reset();
		server.post("/bench/broadcast");
		load.awaitReceived(open, Duration.ofSeconds(60));
		return load.report();
	}

}
