package io.pushgateway.cluster.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import io.pushgateway.cluster.BusRecord;
import io.pushgateway.cluster.RecentRecordIds;
import io.pushgateway.cluster.RecordRejectedException;
import io.pushgateway.cluster.SkippedRecords;
import io.pushgateway.core.PushRules;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.spi.BackendHealth;
import io.pushgateway.spi.BusRecordRejection;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterBusException;
import io.pushgateway.spi.ClusterMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

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
 * node skips the records it published itself.
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

	private static final Log logger = LogFactory.getLog(KafkaClusterBus.class);

	private final KafkaClients clients;

	private final KafkaBusSettings settings;

	private final String nodeId;

	private final LongSupplier ids;

	private final BoundedKafkaProducer producer;

	private final Sinks.Empty<Void> ready = Sinks.empty();

	private volatile boolean running = true;

	private volatile @Nullable Consumer<String, byte[]> consumer;

	/** {@code starting}, {@code running} or the reason the consumer stopped. */
	private volatile String consumerState = "starting";

	/** Brokers the consumer is connected to, sampled on the consumer thread. */
	private volatile double consumerConnections = Double.NaN;

	/** The consumer's largest lag in records, sampled on the consumer thread. */
	private volatile double lag = Double.NaN;

	private final PushRules rules;

	private final SkippedRecords skipped;

	/** This process's token on its records ({@link BusRecord#INSTANCE}). */
	private final String instance = UUID.randomUUID().toString();

	private volatile @Nullable RecentRecordIds repeats;

	public KafkaClusterBus(KafkaClients clients, KafkaBusSettings settings, String nodeId, LongSupplier ids) {
		this(clients, settings, nodeId, ids, new PushRules(Integer.MAX_VALUE), SkippedRecords.LOG_ONLY);
	}

	/**
	 * Create a bus.
	 * @param clients where its producer, consumer and admin client come from
	 * @param settings the settings
	 * @param nodeId this node's ID
	 * @param ids message IDs for what the bus publishes itself
	 * @param rules the rules records produced outside the gateway must obey
	 * @param skipped reports records that break the record contract
	 */
	/**
	 * Drop records from outside the gateway whose {@code X-ID} this node read within the
	 * window; call before {@link #start}.
	 * @param ids the IDs read recently
	 */
	public void dropRepeatedIds(RecentRecordIds ids) {
		this.repeats = ids;
	}

	public KafkaClusterBus(KafkaClients clients, KafkaBusSettings settings, String nodeId, LongSupplier ids,
			PushRules rules, SkippedRecords skipped) {
		this.clients = clients;
		this.settings = settings;
		this.nodeId = nodeId;
		this.ids = ids;
		this.rules = rules;
		this.skipped = skipped;
		this.producer = new BoundedKafkaProducer("push-gateway-kafka-bus-publisher", clients,
				settings.publishQueueCapacity(), settings.publishTimeout(), settings.bufferMemory());
	}

	/*
	 * The bus's design: it assigns itself partitions, starts at the end, never commits.
	 */
	private Map<String, Object> consumerOverrides() {
		Map<String, Object> properties = new HashMap<>();
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
		properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
		return properties;
	}

	/** The node a mailbox record is for. */
	static final String TO_NODE = "X-To-Node";

	private volatile int mailboxPartitions;

	private static final long SAMPLE_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

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
			BusRecord record = BusRecord.of(message, this.nodeId, this.instance);
			return this.producer.send((producer) -> {
				ProducerRecord<String, byte[]> producerRecord = (toNode != null)
						? new ProducerRecord<>(this.settings.mailboxTopic(), mailboxPartition(producer, toNode),
								record.key(), record.value())
						: new ProducerRecord<>(this.settings.topic(), record.key(), record.value());
				record.headers()
					.forEach((header) -> producerRecord.headers().add(new RecordHeader(header.name(), header.value())));
				if (toNode != null) {
					producerRecord.headers().add(new RecordHeader(TO_NODE, toNode.getBytes(StandardCharsets.UTF_8)));
				}
				return producerRecord;
			})
				.onErrorMap(KafkaPublishException.class,
						(ex) -> new ClusterBusException(String.valueOf(ex.getMessage()), ex));
		});
	}

	/* Runs on the publisher thread, where reading metadata may block. */
	private int mailboxPartition(Producer<String, byte[]> producer, String node) {
		int partitions = this.mailboxPartitions;
		if (partitions == 0) {
			partitions = producer.partitionsFor(this.settings.mailboxTopic()).size();
			this.mailboxPartitions = partitions;
		}
		return Math.floorMod(node.hashCode(), partitions);
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
		details.put("consumer", this.consumerState);
		double connections = this.consumerConnections;
		if (!Double.isNaN(connections)) {
			details.put("consumerConnections", (long) connections);
		}
		double lag = this.lag;
		if (!Double.isNaN(lag) && !Double.isInfinite(lag)) {
			details.put("lagRecords", (long) lag);
		}
		details.put("publishQueued", this.producer.queued());
		String failure = this.producer.lastFailure();
		if (failure != null) {
			details.put("lastPublishFailure", failure);
		}
		boolean up = "running".equals(this.consumerState) && !(connections == 0) && failure == null;
		return new BackendHealth(up, details);
	}

	/**
	 * The consumer's largest lag behind the topic's end, sampled about once a second.
	 * @return records, or {@code NaN} before the first sample
	 */
	public double lag() {
		return this.lag;
	}

	@Override
	public Mono<Void> ready() {
		return this.ready.asMono();
	}

	@Override
	public Flux<ClusterMessage> received() {
		return Flux.create((sink) -> {
			Thread thread = new Thread(() -> consume(sink), "push-gateway-kafka-consumer");
			thread.setDaemon(true);
			thread.start();
			sink.onDispose(this::stopConsuming);
		});
	}

	private void consume(FluxSink<ClusterMessage> sink) {
		try (Consumer<String, byte[]> consumer = this.clients.consumer("push-gateway-" + this.nodeId,
				consumerOverrides())) {
			this.consumer = consumer;
			ensureTopic();
			List<TopicPartition> partitions = partitions(consumer, this.settings.topic());
			List<TopicPartition> mailbox = partitions(consumer, this.settings.mailboxTopic());
			// by number: partitionsFor does not list partitions in order
			partitions.add(new TopicPartition(this.settings.mailboxTopic(),
					Math.floorMod(this.nodeId.hashCode(), mailbox.size())));
			consumer.assign(partitions);
			consumer.seekToEnd(partitions);
			// resolve the end offsets now, so records published from here on are not
			// skipped
			partitions.forEach(consumer::position);
			this.ready.tryEmitEmpty();
			this.consumerState = "running";
			long nextSample = 0;
			while (this.running) {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
					ClusterMessage message = toMessage(record);
					if (message != null) {
						sink.next(message);
					}
				}
				// the consumer is not thread safe: its metrics are read here, for
				// health checks and gauges on other threads
				if (System.nanoTime() - nextSample > 0) {
					nextSample = System.nanoTime() + SAMPLE_PERIOD_NANOS;
					var metrics = consumer.metrics();
					this.consumerConnections = KafkaMetrics.value(metrics, "consumer-metrics", "connection-count");
					this.lag = KafkaMetrics.value(metrics, "consumer-fetch-manager-metrics", "records-lag-max");
				}
			}
		}
		catch (WakeupException ex) {
			// stopping
		}
		catch (RuntimeException ex) {
			if (this.running) {
				Throwable refusal = refusal(ex);
				if (refusal != null) {
					// retrying cannot help: the node must not start as if it were in the
					// cluster
					this.ready.tryEmitError(new ClusterBusException(
							"Kafka refused the gateway's clients: " + refusal.getMessage()
									+ " (check spring.kafka.* security settings: security.protocol, sasl.*, ssl.*)",
							ex));
				}
				this.consumerState = "failed: " + ((refusal != null) ? refusal.getMessage() : ex.getMessage());
				sink.error(new ClusterBusException("Kafka consumer failed: " + ex.getMessage(), ex));
				return;
			}
		}
		this.consumerState = "stopped";
		sink.complete();
	}

	// the refused credentials or permissions behind a failure, if that is its cause
	private static @Nullable Throwable refusal(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
				return cause;
			}
		}
		return null;
	}

	private @Nullable ClusterMessage toMessage(ConsumerRecord<String, byte[]> record) {
		List<BusRecord.Header> headers = new ArrayList<>();
		record.headers().forEach((header) -> headers.add(new BusRecord.Header(header.key(), header.value())));
		BusRecord busRecord = new BusRecord(String.valueOf(record.key()), headers,
				(record.value() != null) ? record.value() : new byte[0]);
		if (busRecord.isFrom(this.instance)) {
			return null;
		}
		String toNode = busRecord.header(TO_NODE);
		if (toNode != null && !toNode.equals(this.nodeId)) {
			return null;
		}
		try {
			// a record without X-ID gets the same ID on every node
			ClusterMessage message = busRecord
				.toMessage(SnowflakeIdGenerator.derivedId(record.partition(), record.offset()), this.rules);
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

	private List<TopicPartition> partitions(Consumer<String, byte[]> consumer, String topic) {
		// a topic created a moment ago may not be in the metadata yet
		List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (infos.isEmpty() && System.nanoTime() < deadline && this.running) {
			LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
			infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
		}
		if (infos.isEmpty()) {
			throw new ClusterBusException("Topic " + topic + " has no partitions");
		}
		List<TopicPartition> partitions = new ArrayList<>();
		infos.forEach((info) -> partitions.add(new TopicPartition(info.topic(), info.partition())));
		return partitions;
	}

	private void ensureTopic() {
		if (!this.settings.createTopic()) {
			return;
		}
		try {
			KafkaTopics.create(this.clients,
					List.of(new NewTopic(this.settings.topic(), this.settings.partitions(),
							this.settings.replicationFactor()),
							new NewTopic(this.settings.mailboxTopic(), this.settings.mailboxPartitions(),
									this.settings.replicationFactor())));
		}
		catch (KafkaTopics.KafkaTopicException ex) {
			throw new ClusterBusException(String.valueOf(ex.getMessage()), ex);
		}
	}

	private void stopConsuming() {
		this.running = false;
		Consumer<String, byte[]> consumer = this.consumer;
		if (consumer != null) {
			consumer.wakeup();
		}
	}

	@Override
	public void destroy() {
		stopConsuming();
		this.producer.close();
	}

}
