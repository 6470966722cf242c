package io.pushgateway.cluster.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.pushgateway.spi.ClusterBusException;
import io.pushgateway.spi.ClusterMessage;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The {@link KafkaClusterBus}'s consumer, on a thread of its own: it creates the topics
 * when asked to, assigns itself every partition of the downstream topic and this node's
 * partition of the mailbox topic, reads from their end what the {@link KafkaRecordReader}
 * makes of each record, and samples the consumer's connections and lag for health checks
 * and gauges on other threads.
 *
 * @author Push Gateway team
 */
final class KafkaBusConsumer {

	private static final long SAMPLE_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final KafkaClients clients;

	private final KafkaBusSettings settings;

	private final String nodeId;

	private final KafkaRecordReader reader;

	private final Sinks.Empty<Void> ready = Sinks.empty();

	private volatile boolean running = true;

	private volatile @Nullable Consumer<String, byte[]> consumer;

	/** {@code starting}, {@code running} or the reason the consumer stopped. */
	private volatile String state = "starting";

	/** Brokers the consumer is connected to, sampled on the consumer thread. */
	private volatile double connections = Double.NaN;

	/** The consumer's largest lag in records, sampled on the consumer thread. */
	private volatile double lag = Double.NaN;

	/**
	 * Create a consumer; it starts when {@link #received()} is subscribed to.
	 * @param clients where the Kafka consumer and admin client come from
	 * @param settings the topics
	 * @param nodeId this node's ID
	 * @param reader reads each record
	 */
	KafkaBusConsumer(KafkaClients clients, KafkaBusSettings settings, String nodeId, KafkaRecordReader reader) {
		this.clients = clients;
		this.settings = settings;
		this.nodeId = nodeId;
		this.reader = reader;
	}

	/**
	 * Completes once the consumer reads from the end of its partitions; fails when Kafka
	 * refused the gateway's clients.
	 * @return the signal
	 */
	Mono<Void> ready() {
		return this.ready.asMono();
	}

	/**
	 * {@code starting}, {@code running} or the reason the consumer stopped.
	 * @return the state
	 */
	String state() {
		return this.state;
	}

	/**
	 * Brokers the consumer is connected to, sampled about once a second.
	 * @return the count, or {@code NaN} before the first sample
	 */
	double connections() {
		return this.connections;
	}

	/**
	 * The consumer's largest lag behind the topic's end, sampled about once a second.
	 * @return records, or {@code NaN} before the first sample
	 */
	double lag() {
		return this.lag;
	}

	/**
	 * The messages for this node, read on a new consumer thread per subscription.
	 * @return the messages
	 */
	Flux<ClusterMessage> received() {
		return Flux.create((sink) -> {
			Thread thread = new Thread(() -> consume(sink), "push-gateway-kafka-consumer");
			thread.setDaemon(true);
			thread.start();
			sink.onDispose(this::stop);
		});
	}

	/**
	 * Stop consuming: the consumer thread leaves its poll and closes the consumer.
	 */
	void stop() {
		this.running = false;
		Consumer<String, byte[]> consumer = this.consumer;
		if (consumer != null) {
			consumer.wakeup();
		}
	}

	private void consume(FluxSink<ClusterMessage> sink) {
		try (Consumer<String, byte[]> consumer = this.clients.consumer("push-gateway-" + this.nodeId,
				consumerDefaults(), consumerOverrides())) {
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
			this.state = "running";
			long nextSample = 0;
			while (this.running) {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
					ClusterMessage message = this.reader.read(record);
					if (message != null) {
						sink.next(message);
					}
				}
				// the consumer is not thread safe: its metrics are read here, for
				// health checks and gauges on other threads
				if (System.nanoTime() - nextSample > 0) {
					nextSample = System.nanoTime() + SAMPLE_PERIOD_NANOS;
					var metrics = consumer.metrics();
					this.connections = KafkaMetrics.value(metrics, "consumer-metrics", "connection-count");
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
				this.state = "failed: " + ((refusal != null) ? refusal.getMessage() : ex.getMessage());
				sink.error(new ClusterBusException("Kafka consumer failed: " + ex.getMessage(), ex));
				return;
			}
		}
		this.state = "stopped";
		sink.complete();
	}

	/*
	 * The bus's design: it assigns itself partitions, starts at the end, never commits.
	 */
	private Map<String, Object> consumerOverrides() {
		Map<String, Object> properties = new HashMap<>();
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
		return properties;
	}

	/*
	 * Kafka's own default, named so that it holds whatever a client version's default is:
	 * the broker answers a fetch when a record arrives (fetch.min.bytes 1), so the wait
	 * only sets how often an idle consumer asks again, twice a second here; an
	 * application may change it (push.gateway.bus.kafka.consumer[fetch.max.wait.ms]).
	 */
	private static Map<String, Object> consumerDefaults() {
		return Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
	}

	// the refused credentials or permissions behind a failure, if that is its cause
	private static @Nullable Throwable refusal(Throwable failure) {
		return KafkaCauses.find(failure,
				(cause) -> cause instanceof AuthenticationException || cause instanceof AuthorizationException);
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

}
