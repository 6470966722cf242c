package io.pushgateway.autoconfigure;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Settings of the cluster bus, under {@code push.gateway.bus}.
 *
 * @author Push Gateway team
 */
public class BusProperties {

	/**
	 * How pushes travel between nodes: 'local' for a single node, 'kafka' or 'redis' for
	 * a cluster.
	 */
	private BusType type = BusType.LOCAL;

	/**
	 * Which nodes get a push: 'broadcast' sends every push to every node; 'targeted' asks
	 * the session registry which nodes hold the target and sends it to those only.
	 */
	private Routing routing = Routing.BROADCAST;

	private final Kafka kafka = new Kafka();

	private final RedisBus redis = new RedisBus();

	public Routing getRouting() {
		return this.routing;
	}

	public void setRouting(Routing routing) {
		this.routing = routing;
	}

	public BusType getType() {
		return this.type;
	}

	public void setType(BusType type) {
		this.type = type;
	}

	public Kafka getKafka() {
		return this.kafka;
	}

	public RedisBus getRedis() {
		return this.redis;
	}

	/**
	 * How pushes travel between nodes.
	 */
	public enum BusType {

		/**
		 * They do not: a single node.
		 */
		LOCAL,

		/**
		 * Over a Kafka topic that every node reads in full.
		 */
		KAFKA,

		/**
		 * Over a Redis pub/sub channel.
		 */
		REDIS

	}

	/**
	 * Which nodes get a push.
	 */
	public enum Routing {

		/**
		 * Every node; each delivers to its own connections.
		 */
		BROADCAST,

		/**
		 * Only the nodes the session registry says hold the target.
		 */
		TARGETED

	}

	public static class Kafka {

		/**
		 * Kafka bootstrap servers of the gateway's clients, when they differ from the
		 * application's ('spring.kafka.bootstrap-servers', which applies otherwise).
		 */
		private @Nullable String bootstrapServers;

		/**
		 * Downstream topic that every node publishes its pushes to and reads in full.
		 */
		private String topic = "push-gateway.downstream";

		/**
		 * Whether to create the downstream topic when it is missing.
		 */
		private boolean createTopic = true;

		/**
		 * Partitions of a created downstream topic.
		 */
		private int partitions = 12;

		/**
		 * Replication factor of a created downstream topic.
		 */
		private short replicationFactor = 1;

		/**
		 * Partitions of a created mailbox topic ('{topic}.nodes'), which carries pushes
		 * routed to particular nodes.
		 */
		private int mailboxPartitions = 16;

		public int getMailboxPartitions() {
			return this.mailboxPartitions;
		}

		public void setMailboxPartitions(int mailboxPartitions) {
			this.mailboxPartitions = mailboxPartitions;
		}

		/**
		 * Maximum records waiting for the publisher thread; beyond it publishing fails at
		 * once.
		 */
		private int publishQueueCapacity = 10_000;

		/**
		 * Time Kafka has to accept a record before publishing fails.
		 */
		private Duration publishTimeout = Duration.ofSeconds(10);

		/**
		 * Memory the producer may use to buffer records not yet sent.
		 */
		private DataSize bufferMemory = DataSize.ofMegabytes(32);

		/**
		 * Kafka producer properties of the gateway's producers (the bus and the upstream
		 * publisher) that win over 'spring.kafka.*'. Those that are admin client settings
		 * too (security.protocol, sasl.*, ssl.*) also configure the admin client that
		 * creates topics.
		 */
		private Map<String, String> producer = new HashMap<>();

		/**
		 * Kafka consumer properties of the bus's consumer that win over 'spring.kafka.*'.
		 * Those that are admin client settings too (security.protocol, sasl.*, ssl.*)
		 * also configure the admin client that creates topics.
		 */
		private Map<String, String> consumer = new HashMap<>();

		public @Nullable String getBootstrapServers() {
			return this.bootstrapServers;
		}

		public void setBootstrapServers(@Nullable String bootstrapServers) {
			this.bootstrapServers = bootstrapServers;
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

		public short getReplicationFactor() {
			return this.replicationFactor;
		}

		public void setReplicationFactor(short replicationFactor) {
			this.replicationFactor = replicationFactor;
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

		public Map<String, String> getProducer() {
			return this.producer;
		}

		public void setProducer(Map<String, String> producer) {
			this.producer = producer;
		}

		public Map<String, String> getConsumer() {
			return this.consumer;
		}

		public void setConsumer(Map<String, String> consumer) {
			this.consumer = consumer;
		}

	}

	public static class RedisBus {

		/**
		 * Pub/sub channel of the Redis bus. Defaults to the registry's key prefix
		 * followed by ':bus'.
		 */
		private @Nullable String channel;

		/**
		 * Maximum publishes awaiting Redis; beyond it publishing fails at once.
		 */
		private int maxInFlight = 10_000;

		/**
		 * Time Redis has to accept a publish before it fails.
		 */
		private Duration publishTimeout = Duration.ofSeconds(5);

		public @Nullable String getChannel() {
			return this.channel;
		}

		public void setChannel(@Nullable String channel) {
			this.channel = channel;
		}

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public Duration getPublishTimeout() {
			return this.publishTimeout;
		}

		public void setPublishTimeout(Duration publishTimeout) {
			this.publishTimeout = publishTimeout;
		}

	}

}
