package io.pushgateway.cluster.kafka;

import java.util.ArrayList;
import java.util.List;

import io.pushgateway.cluster.BusRecord;
import io.pushgateway.cluster.BusRecordDecoder;
import io.pushgateway.cluster.RecentRecordIds;
import io.pushgateway.cluster.RecordRejectedException;
import io.pushgateway.cluster.SkippedRecords;
import io.pushgateway.core.PushRules;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.spi.BusRecordRejection;
import io.pushgateway.spi.ClusterMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Kafka record as a message for this node: skips the node's own records and
 * mailbox records addressed to other nodes, holds the rest to the record contract
 * (reporting those that break it to {@link SkippedRecords}), and drops a record from
 * outside the gateway whose {@code X-ID} was read already.
 *
 * @author Push Gateway team
 */
final class KafkaRecordReader {

	private final String nodeId;

	/** This process's token on its records ({@link BusRecord#INSTANCE}). */
	private final String instance;

	private final PushRules rules;

	private final SkippedRecords skipped;

	private volatile @Nullable RecentRecordIds repeats;

	/**
	 * Create a reader.
	 * @param nodeId this node's ID
	 * @param instance this process's token on its records
	 * @param rules the rules records produced outside the gateway must obey
	 * @param skipped reports records that break the record contract
	 */
	KafkaRecordReader(String nodeId, String instance, PushRules rules, SkippedRecords skipped) {
		this.nodeId = nodeId;
		this.instance = instance;
		this.rules = rules;
		this.skipped = skipped;
	}

	/**
	 * Drop records from outside the gateway whose {@code X-ID} this node read within the
	 * window.
	 * @param ids the IDs read recently
	 */
	void dropRepeatedIds(RecentRecordIds ids) {
		this.repeats = ids;
	}

	/**
	 * The message of a record.
	 * @param record the record
	 * @return the message, or {@code null} when the record is not for this node, was
	 * skipped, or is a repeat
	 */
	@Nullable ClusterMessage read(ConsumerRecord<String, byte[]> record) {
		List<BusRecord.Header> headers = new ArrayList<>();
		record.headers().forEach((header) -> headers.add(new BusRecord.Header(header.key(), header.value())));
		BusRecord busRecord = new BusRecord(String.valueOf(record.key()), headers,
				(record.value() != null) ? record.value() : new byte[0]);
		if (busRecord.isFrom(this.instance)) {
			return null;
		}
		String toNode = busRecord.header(KafkaRecordWriter.TO_NODE);
		if (toNode != null && !toNode.equals(this.nodeId)) {
			return null;
		}
		try {
			// a record without X-ID gets the same ID on every node
			ClusterMessage message = BusRecordDecoder.decode(busRecord,
					SnowflakeIdGenerator.derivedId(record.partition(), record.offset()), this.rules);
			String id = busRecord.header("X-ID");
			RecentRecordIds repeats = this.repeats;
			if (repeats != null && id != null && busRecord.header(BusRecord.INSTANCE) == null
					&& !repeats.firstTime(id)) {
				// a valid record from outside the gateway with an X-ID read already (a
				// producer's retry): once is enough
				return null;
			}
			return message;
		}
		catch (RecordRejectedException ex) {
			this.skipped.skipped(record.topic() + "-" + record.partition() + "@" + record.offset(), ex);
			return null;
		}
		catch (RuntimeException ex) {
			// whatever else a record from outside can trip must not end the consumer
			this.skipped.skipped(record.topic() + "-" + record.partition() + "@" + record.offset(),
					new RecordRejectedException(BusRecordRejection.UNREADABLE, String.valueOf(ex.getMessage())));
			return null;
		}
	}

}
