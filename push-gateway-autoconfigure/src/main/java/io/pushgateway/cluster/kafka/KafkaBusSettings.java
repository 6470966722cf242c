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
 * @author Push Gateway team
 */
public record KafkaBusSettings(String bootstrapServers, String topic, boolean createTopic, int partitions,
		short replicationFactor, int publishQueueCapacity, Duration publishTimeout, long bufferMemory,
		Map<String, String> producerProperties, Map<String, String> consumerProperties) {
}
