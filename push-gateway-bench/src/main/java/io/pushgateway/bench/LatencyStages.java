package io.pushgateway.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import tools.jackson.databind.JsonNode;

/**
 * Where a cross-node push's time goes, from the nodes' own timers: how long the origin's
 * cluster bus took to accept it ({@code push.gateway.bus.publish}; under targeted routing
 * with the registry's lookup of the nodes first), how old it was when it arrived from the
 * bus on each receiving node ({@code push.gateway.bus.delay}, whole milliseconds from the
 * push's ID: the finest buckets say nothing for it), and how long the node holding the
 * user took to write it ({@code push.gateway.push.latency}), each as bucket counts that a
 * run reads before and after its measured window, with the collectors' time in that
 * window. What the clients measure beyond arrival plus fan-out is the socket and the load
 * process.
 *
 * @author Push Gateway team
 */
final class LatencyStages {

	/** Bucket bounds, in milliseconds: fine where the goal (30 ms) is. */
	static final double[] BUCKETS_MILLIS = { 0.25, 0.5, 1, 2, 3, 4, 5, 7, 10, 15, 20, 25, 30, 40, 50, 70, 100, 150, 200,
			300, 500, 1000, 2000, 5000 };

	private static final Map<String, String> TIMERS = Map.of("publish", "push.gateway.bus.publish", "arrival",
			"push.gateway.bus.delay", "fanOut", "push.gateway.push.latency");

	private static final Set<String> NAMES = Set.copyOf(TIMERS.values());

	private LatencyStages() {
	}

	/*
	 * The stages' timers get these buckets, counted for the process's life (one window
	 * that does not rotate within a run), so that two readings can be subtracted.
	 */
	static DistributionStatisticConfig configure(String name, DistributionStatisticConfig config) {
		if (!NAMES.contains(name)) {
			return config;
		}
		double[] nanos = new double[BUCKETS_MILLIS.length];
		for (int i = 0; i < nanos.length; i++) {
			nanos[i] = BUCKETS_MILLIS[i] * 1e6;
		}
		return DistributionStatisticConfig.builder()
			.percentilesHistogram(false)
			.serviceLevelObjectives(nanos)
			.expiry(Duration.ofDays(1))
			.bufferLength(1)
			.build()
			.merge(config);
	}

	/* The stages' cumulative bucket counts and the collectors' totals, as JSON. */
	static String json(MeterRegistry meters) {
		StringBuilder json = new StringBuilder("{");
		TIMERS.forEach((stage, name) -> {
			json.append('"').append(stage).append("\":[");
			Timer timer = meters.find(name).timer();
			if (timer != null) {
				HistogramSnapshot snapshot = timer.takeSnapshot();
				CountAtBucket[] counts = snapshot.histogramCounts();
				for (int i = 0; i < counts.length; i++) {
					json.append((i > 0) ? "," : "").append((long) counts[i].count());
				}
				json.append((counts.length > 0) ? "," : "").append(snapshot.count());
			}
			json.append("],");
		});
		long[] collections = collections();
		return json.append("\"gcMillis\":")
			.append(collections[0])
			.append(",\"gcCount\":")
			.append(collections[1])
			.append('}')
			.toString();
	}

	/* This process's collections so far: milliseconds and how many. */
	static long[] collections() {
		long millis = 0;
		long count = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			millis += Math.max(0, collector.getCollectionTime());
			count += Math.max(0, collector.getCollectionCount());
		}
		return new long[] { millis, count };
	}

	/**
	 * The split of a measured window: the origin's publish, the receiving nodes' arrival
	 * and fan-out (p50, p99 by bucket bound), and each node's collections in the window.
	 * @param before each node's stages before the window (node 0 the origin)
	 * @param after the same after it
	 * @return the split, for the results
	 */
	static Map<String, Object> split(List<JsonNode> before, List<JsonNode> after) {
		Map<String, Object> split = new LinkedHashMap<>();
		split.put("publishMillis", percentiles(before.subList(0, 1), after.subList(0, 1), "publish"));
		split.put("arrivalMillis",
				percentiles(before.subList(1, before.size()), after.subList(1, after.size()), "arrival"));
		split.put("fanOutMillis",
				percentiles(before.subList(1, before.size()), after.subList(1, after.size()), "fanOut"));
		List<Long> gcMillis = new ArrayList<>();
		List<Long> gcCount = new ArrayList<>();
		for (int i = 0; i < before.size(); i++) {
			gcMillis.add(after.get(i).path("gcMillis").asLong() - before.get(i).path("gcMillis").asLong());
			gcCount.add(after.get(i).path("gcCount").asLong() - before.get(i).path("gcCount").asLong());
		}
		split.put("nodeGcMillis", gcMillis);
		split.put("nodeGcCount", gcCount);
		return split;
	}

	/* Bucket-bound percentiles of the differences, summed over the nodes. */
	private static Map<String, Object> percentiles(List<JsonNode> before, List<JsonNode> after, String stage) {
		long[] counts = new long[BUCKETS_MILLIS.length + 1];
		for (int n = 0; n < before.size(); n++) {
			JsonNode from = before.get(n).path(stage);
			JsonNode to = after.get(n).path(stage);
			for (int i = 0; i < counts.length && i < to.size(); i++) {
				counts[i] += to.get(i).asLong() - from.path(i).asLong(0);
			}
		}
		// the last entry is the timer's total count
		long total = counts[BUCKETS_MILLIS.length];
		Map<String, Object> percentiles = new LinkedHashMap<>();
		percentiles.put("count", total);
		percentiles.put("p50", bound(counts, total, 0.50));
		percentiles.put("p99", bound(counts, total, 0.99));
		percentiles.put("p99.9", bound(counts, total, 0.999));
		return percentiles;
	}

	/* The smallest bucket bound holding the fraction (an upper bound). */
	private static Object bound(long[] cumulative, long total, double fraction) {
		if (total == 0) {
			return 0;
		}
		for (int i = 0; i < BUCKETS_MILLIS.length; i++) {
			if (cumulative[i] >= Math.ceil(total * fraction)) {
				return BUCKETS_MILLIS[i];
			}
		}
		return "> " + BUCKETS_MILLIS[BUCKETS_MILLIS.length - 1];
	}

}
