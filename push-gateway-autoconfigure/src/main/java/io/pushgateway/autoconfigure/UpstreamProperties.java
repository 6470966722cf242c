package io.pushgateway.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.util.unit.DataSize;

/**
 * Settings of client messages sent upstream, under {@code push.gateway.upstream}.
 *
 * @author Push Gateway team
 */
public class UpstreamProperties {

	private final UpstreamKafka kafka = new UpstreamKafka();

	public UpstreamKafka getKafka() {
		return this.kafka;
	}

	public static class UpstreamKafka {

		/**
		 * Whether to publish client messages to the upstream Kafka topic. Uses the
		 * bootstrap servers and producer properties of 'push.gateway.bus.kafka'.
		 */
		private boolean enabled = false;

		/**
		 * Upstream topic that client messages are published to.
		 */
		private String topic = "push-gateway.upstream";

		/**
		 * Event name patterns ('*' wildcards) of the client messages to publish. Events
		 * that an application UpstreamHandler supports are handled by it instead.
		 */
		private List<String> events = new ArrayList<>(List.of("*"));

		/**
		 * Maximum messages waiting for the publisher thread; beyond it clients get error
		 * 4503 at once.
		 */
		private int publishQueueCapacity = 10_000;

		/**
		 * Time Kafka has to accept a message before the client gets error 4503.
		 */
		private Duration publishTimeout = Duration.ofSeconds(5);

		/**
		 * Memory the upstream producer may use to buffer messages not yet sent.
		 */
		private DataSize bufferMemory = DataSize.ofMegabytes(16);

		/**
		 * Whether to create the upstream topic at startup when it does not exist. When
		 * off, startup fails if the topic is missing.
		 */
		private boolean createTopic = true;

		/**
		 * Partitions of the upstream topic when the gateway creates it. Messages of one
		 * user keep their order (the record key is the uid).
		 */
		private int partitions = 3;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
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

		public String getTopic() {
			return this.topic;
		}

		public void setTopic(String topic) {
			this.topic = topic;
		}

		public List<String> getEvents() {
			return this.events;
		}

		public void setEvents(List<String> events) {
			this.events = events;
		}

		public int getPublishQueueCapacity() {
			return this.publishQueueCapacity;
		}

		public void setPublishQueueCapacity(int publishQueueCapacity) {
			this.publishQueueCapacity = publishQueueCapacity;
		}

		public Duration getPublishTimeout() {
			return this.publishTimeout;
		}

		public void setPublishTimeout(Duration publishTimeout) {
			this.publishTimeout = publishTimeout;
		}

		public DataSize getBufferMemory() {
			return this.bufferMemory;
		}

		public void setBufferMemory(DataSize bufferMemory) {
			this.bufferMemory = bufferMemory;
		}

	}

}
