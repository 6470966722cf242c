package io.pushgateway.cluster.kafka;

import java.nio.charset.StandardCharsets;

import io.pushgateway.cluster.BusRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jspecify.annotations.Nullable;

/**
 * Writes a node's {@link BusRecord} as a Kafka record: on the downstream topic for every
 * node, or on the mailbox topic's partition of the node it is addressed to, marked with
 * {@link #TO_NODE}. Called on the publisher thread, where reading metadata may block.
 *
 * @author Push Gateway team
 */
final class KafkaRecordWriter {

	/** The node a mailbox record is for. */
	static final String TO_NODE = "X-To-Node";

	private final KafkaBusSettings settings;

	private volatile int mailboxPartitions;

	/**
	 * Create a writer.
	 * @param settings the topics
	 */
	KafkaRecordWriter(KafkaBusSettings settings) {
		this.settings = settings;
	}

	/**
	 * The Kafka record of a bus record.
	 * @param producer the producer, for the mailbox topic's metadata
	 * @param record the bus record
	 * @param toNode the node it is addressed to, or {@code null} for every node
	 * @return the Kafka record
	 */
	ProducerRecord<String, byte[]> write(Producer<String, byte[]> producer, BusRecord record, @Nullable String toNode) {
		ProducerRecord<String, byte[]> producerRecord = (toNode != null)
				? new ProducerRecord<>(this.settings.mailboxTopic(), mailboxPartition(producer, toNode), record.key(),
						record.value())
				: new ProducerRecord<>(this.settings.topic(), record.key(), record.value());
		record.headers()
			.forEach((header) -> producerRecord.headers().add(new RecordHeader(header.name(), header.value())));
		if (toNode != null) {
			producerRecord.headers().add(new RecordHeader(TO_NODE, toNode.getBytes(StandardCharsets.UTF_8)));
		}
		return producerRecord;
	}

	/**
	 * Learn the mailbox topic's partitions ahead of the first record addressed to a node.
	 * @param producer the producer
	 */
	void prepare(Producer<String, byte[]> producer) {
		try {
			mailboxPartition(producer, "");
		}
		catch (KafkaException ex) {
			// learnt on the first record instead
		}
	}

	private int mailboxPartition(Producer<String, byte[]> producer, String node) {
		int partitions = this.mailboxPartitions;
		if (partitions == 0) {
			partitions = producer.partitionsFor(this.settings.mailboxTopic()).size();
			this.mailboxPartitions = partitions;
		}
		return Math.floorMod(node.hashCode(), partitions);
	}

}
