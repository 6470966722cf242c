package io.pushgateway.cluster.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

import io.pushgateway.cluster.BusRecord;
import io.pushgateway.cluster.BusRecordEncoder;
import io.pushgateway.cluster.RecentRecordIds;
import io.pushgateway.cluster.SkippedRecords;
import io.pushgateway.core.PushRules;
import io.pushgateway.spi.BackendHealth;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterBusException;
import io.pushgateway.spi.ClusterMessage;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;

/**
 * A {@link ClusterBus} over one Kafka topic (the downstream topic). Every node publishes
 * its pushes to the topic and reads every partition of it.
 *
 * <p>
 * Nodes read by <em>assigning</em> themselves all partitions rather than joining a
 * consumer group: each node must see every record, and a group per node would leave a
 * stale group behind every time a node goes away. Reading starts at the end of each
 * partition when the node starts. Records carry their routing in headers
 * ({@link BusRecord}), keyed by target so that one target's pushes keep their order; a
 * node skips the records it published itself. The reading is the
 * {@link KafkaBusConsumer}'s, what it makes of a record the {@link KafkaRecordReader}'s.
 *
 * <p>
 * The Kafka producer can block (metadata, a full buffer), so it is only ever called from
 * one dedicated publisher thread, fed by a bounded queue: when the queue is full, or
 * Kafka has not taken a record within the producer's delivery timeout, the publish fails
 * with a {@link ClusterBusException}. Memory is bounded by the queue and the producer's
 * {@code buffer.memory}.
 *
 * @author Push Gateway team
 */
public final class KafkaClusterBus implements ClusterBus, DisposableBean {

	private final KafkaBusSettings settings;

	private final String nodeId;

	private final BoundedKafkaProducer producer;

	private final KafkaRecordWriter writer;

	private final KafkaRecordReader reader;

	private final KafkaBusConsumer consumer;

	/** This process's token on its records ({@link BusRecord#INSTANCE}). */
	private final String instance = UUID.randomUUID().toString();

	/**
	 * Create a bus.
	 * @param clients where its producer, consumer and admin client come from
	 * @param settings the settings
	 * @param nodeId this node's ID
	 * @param ids message IDs for what the bus publishes itself
	 * @param rules the rules records produced outside the gateway must obey
	 * @param skipped reports records that break the record contract
	 */
	public KafkaClusterBus(KafkaClients clients, KafkaBusSettings settings, String nodeId, LongSupplier ids,
			PushRules rules, SkippedRecords skipped) {
		this.settings = settings;
		this.nodeId = nodeId;
		this.producer = new BoundedKafkaProducer("push-gateway-kafka-bus-publisher", clients,
				settings.publishQueueCapacity(), settings.publishTimeout(), settings.bufferMemory());
		this.writer = new KafkaRecordWriter(settings);
		this.reader = new KafkaRecordReader(nodeId, this.instance, rules, skipped);
		this.consumer = new KafkaBusConsumer(clients, settings, nodeId, this.reader);
	}

	/**
	 * Drop records from outside the gateway whose {@code X-ID} this node read within the
	 * window; call before {@link #received}.
	 * @param ids the IDs read recently
	 */
	public void dropRepeatedIds(RecentRecordIds ids) {
		this.reader.dropRepeatedIds(ids);
	}

	@Override
	public Mono<Void> publish(ClusterMessage message) {
		return publish(message, (String) null);
	}

	@Override
	public Mono<Void> publish(ClusterMessage message, Set<String> nodes) {
		return Flux.fromIterable(nodes).concatMap((node) -> publish(message, node)).then();
	}

	private Mono<Void> publish(ClusterMessage message, @Nullable String toNode) {
		return Mono.defer(() -> {
			BusRecord record = BusRecordEncoder.encode(message, this.nodeId, this.instance);
			return this.producer.send((producer) -> this.writer.write(producer, record, toNode))
				.onErrorMap(KafkaPublishException.class,
						(ex) -> new ClusterBusException(String.valueOf(ex.getMessage()), ex));
		});
	}

	/**
	 * Up while the consumer runs connected to a broker and the last publish, if any,
	 * succeeded.
	 */
	@Override
	public BackendHealth health() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("bus", "kafka");
		details.put("topic", this.settings.topic());
		details.put("consumer", this.consumer.state());
		double connections = this.consumer.connections();
		if (!Double.isNaN(connections)) {
			details.put("consumerConnections", (long) connections);
		}
		double lag = this.consumer.lag();
		if (!Double.isNaN(lag) && !Double.isInfinite(lag)) {
			details.put("lagRecords", (long) lag);
		}
		details.put("publishQueued", this.producer.queued());
		String failure = this.producer.lastFailure();
		if (failure != null) {
			details.put("lastPublishFailure", failure);
		}
		boolean up = "running".equals(this.consumer.state()) && !(connections == 0) && failure == null;
		return new BackendHealth(up, details);
	}

	/**
	 * The consumer's largest lag behind the topic's end, sampled about once a second.
	 * @return records, or {@code NaN} before the first sample
	 */
	public double lag() {
		return this.consumer.lag();
	}

	@Override
	public Mono<Void> ready() {
		// once the topics exist: the producer learns the mailbox topic's partitions now,
		// rather than on the first record addressed to a node (a metadata round trip that
		// would delay that record, a disconnect say, by up to a second)
		return this.consumer.ready().doOnSuccess((done) -> this.producer.prepare(this.writer::prepare));
	}

	@Override
	public Flux<ClusterMessage> received() {
		return this.consumer.received();
	}

	@Override
	public void destroy() {
		this.consumer.stop();
		this.producer.close();
	}

}
