package io.pushgateway.cluster.kafka;

import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Reads a Kafka client's own metrics by group and name.
 *
 * @author Push Gateway team
 */
final class KafkaMetrics {

	private KafkaMetrics() {
	}

	/**
	 * The value of a metric; of the largest one when several carry the same name (one per
	 * partition or per node, say).
	 * @param metrics the client's metrics
	 * @param group the group
	 * @param name the name
	 * @return the value, or {@code NaN} when there is none
	 */
	static double value(Map<MetricName, ? extends Metric> metrics, String group, String name) {
		double value = Double.NaN;
		for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
			MetricName key = entry.getKey();
			if (key.name().equals(name) && key.group().equals(group)
					&& entry.getValue().metricValue() instanceof Number number) {
				double candidate = number.doubleValue();
				if (Double.isNaN(value) || candidate > value) {
					value = candidate;
				}
			}
		}
		return value;
	}

}
