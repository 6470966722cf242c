package io.pushgateway.cluster.kafka;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of the {@link KafkaClusterBus}.
 *
 * @param bootstrapServers the Kafka bootstrap servers
 * @param topic the downstream topic
 * @param createTopic whether to create the topic when it is missing
 * @param partitions partitions of a created topic
 * @param replicationFactor replication factor of a created topic
 * @param publishQueueCapacity records waiting for the publisher thread before publishing
 * fails
 * @param publishTimeout how long Kafka may take to accept a record
 * @param bufferMemory the producer's {@code buffer.memory}
 * @param producerProperties further producer properties
 * @param consumerProperties further consumer properties
 * @param mailboxPartitions partitions of a created mailbox topic ({@code {topic}.nodes}),
 * which carries pushes routed to particular nodes
 * @author Push Gateway team
 */
public record KafkaBusSettings(String bootstrapServers, String topic, boolean createTopic, int partitions,
		short replicationFactor, int publishQueueCapacity, Duration publishTimeout, long bufferMemory,
		Map<String, String> producerProperties, Map<String, String> consumerProperties, int mailboxPartitions) {

	/**
	 * The topic of pushes routed to particular nodes.
	 * @return the mailbox topic
	 */
	public String mailboxTopic() {
		return this.topic + ".nodes";
	}

}
