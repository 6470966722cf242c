package io.pushgateway.cluster.kafka;

import java.time.Duration;

/**
 * Settings of the {@link KafkaClusterBus}: its own, the connection being the
 * {@link KafkaClients}'.
 *
 * @param topic the downstream topic
 * @param createTopic whether to create the topic when it is missing
 * @param partitions partitions of a created topic
 * @param replicationFactor replication factor of a created topic
 * @param publishQueueCapacity records waiting for the publisher thread before publishing
 * fails
 * @param publishTimeout how long Kafka may take to accept a record
 * @param bufferMemory the producer's {@code buffer.memory}
 * @param mailboxPartitions partitions of a created mailbox topic ({@code {topic}.nodes}),
 * which carries pushes routed to particular nodes
 * @author Push Gateway team
 */
public record KafkaBusSettings(String topic, boolean createTopic, int partitions, short replicationFactor,
		int publishQueueCapacity, Duration publishTimeout, long bufferMemory, int mailboxPartitions) {

	/**
	 * The topic of pushes routed to particular nodes.
	 * @return the mailbox topic
	 */
	public String mailboxTopic() {
		return this.topic + ".nodes";
	}

}
