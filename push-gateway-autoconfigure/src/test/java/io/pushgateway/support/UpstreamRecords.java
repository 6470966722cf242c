package io.pushgateway.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the upstream topic as a business service would, with a plain Kafka consumer:
 * every partition assigned, from the end, and records found by their {@code X-ID}.
 *
 * @author Push Gateway team
 */
public final class UpstreamRecords {

	private UpstreamRecords() {
	}

	/**
	 * A consumer of every partition of a topic, positioned at the end.
	 * @param bootstrapServers the brokers
	 * @param topic the topic
	 * @param extra further client properties (credentials, say)
	 * @return the consumer; the caller closes it
	 */
	public static KafkaConsumer<String, byte[]> consumer(String bootstrapServers, String topic, Map<String, ?> extra) {
		Map<String, Object> config = new HashMap<>(extra);
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new ByteArrayDeserializer());
		List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
			.stream()
			.map((info) -> new TopicPartition(topic, info.partition()))
			.toList();
		consumer.assign(partitions);
		consumer.seekToEnd(partitions);
		partitions.forEach(consumer::position);
		return consumer;
	}

	/**
	 * The next record with an {@code X-ID}, within 20 seconds.
	 * @param consumer the consumer
	 * @param messageId the client's message ID
	 * @return the record
	 */
	public static ConsumerRecord<String, byte[]> next(KafkaConsumer<String, byte[]> consumer, String messageId) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline) {
			for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
				if (messageId.equals(header(record, "X-ID"))) {
					return record;
				}
			}
		}
		throw new AssertionError("no upstream record with X-ID " + messageId);
	}

	/**
	 * A header's value as text.
	 * @param record the record
	 * @param name the header name
	 * @return the last value, or {@code null}
	 */
	public static String header(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
