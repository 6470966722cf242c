package io.pushgateway.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Settings of the fallback for pushes that reach nobody, under
 * {@code push.gateway.undelivered}.
 *
 * @author Push Gateway team
 */
public class UndeliveredProperties {

	/**
	 * Whether every push asks for a fallback: pushes to users report offline users,
	 * acknowledged pushes report when nobody acknowledged. Otherwise only pushes sent
	 * with pushWithFallback, pushWithAckAndFallback or the HTTP API's fallback=true do.
	 */
	private boolean allPushes;

	/**
	 * The most undelivered pushes waiting for the listeners on one node; beyond it new
	 * ones are dropped and counted.
	 */
	private int maxQueued = 10_000;

	@NestedConfigurationProperty
	private final Kafka kafka = new Kafka();

	public boolean isAllPushes() {
		return this.allPushes;
	}

	public void setAllPushes(boolean allPushes) {
		this.allPushes = allPushes;
	}

	public int getMaxQueued() {
		return this.maxQueued;
	}

	public void setMaxQueued(int maxQueued) {
		this.maxQueued = maxQueued;
	}

	public Kafka getKafka() {
		return this.kafka;
	}

	/**
	 * The undelivered topic.
	 */
	public static class Kafka {

		/**
		 * Whether undelivered pushes are published to a Kafka topic, with the push's
		 * headers and X-Reason.
		 */
		private boolean enabled;

		/**
		 * Topic that undelivered pushes are published to.
		 */
		private String topic = "push-gateway.undelivered";

		/**
		 * Whether to create the topic when it is missing.
		 */
		private boolean createTopic = true;

		/**
		 * Partitions of a created topic.
		 */
		private int partitions = 3;

		/**
		 * Time Kafka has to accept a record before it is logged and dropped.
		 */
		private Duration publishTimeout = Duration.ofSeconds(5);

		/**
		 * Maximum records waiting for the publisher thread; beyond it records are logged
		 * and dropped.
		 */
		private int publishQueueCapacity = 10_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getTopic() {
			return this.topic;
		}

		public void setTopic(String topic) {
			this.topic = topic;
		}

		public boolean isCreateTopic() {
			return this.createTopic;
		}

		public void setCreateTopic(boolean createTopic) {
			this.createTopic = createTopic;
		}

		public int getPartitions() {
			return this.partitions;
		}

		public void setPartitions(int partitions) {
			this.partitions = partitions;
		}

		public Duration getPublishTimeout() {
			return this.publishTimeout;
		}

		public void setPublishTimeout(Duration publishTimeout) {
			this.publishTimeout = publishTimeout;
		}

		public int getPublishQueueCapacity() {
			return this.publishQueueCapacity;
		}

		public void setPublishQueueCapacity(int publishQueueCapacity) {
			this.publishQueueCapacity = publishQueueCapacity;
		}

	}

}
