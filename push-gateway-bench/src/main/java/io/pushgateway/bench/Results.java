package io.pushgateway.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * How a run's figures are written: percentiles and distributions of an HdrHistogram, and
 * the sent/received/lost summary of a delivery.
 *
 * @author Push Gateway team
 */
final class Results {

	private Results() {
	}

	static Map<String, Object> delivery(long sent, long received, long rejected, Histogram latencies) {
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

}
