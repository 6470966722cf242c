package io.pushgateway.cluster.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A Kafka producer that never blocks its callers and never queues without bound. The
 * Kafka producer itself can block (waiting for metadata, or for room in a full buffer),
 * so it is only ever called from one dedicated thread, fed by a bounded queue. A send
 * fails with a {@link KafkaPublishException} when the queue is full, or when Kafka has
 * not taken the record within the publish timeout. Memory is bounded by the queue and the
 * producer's {@code buffer.memory}.
 *
 * @author Push Gateway team
 */
public final class BoundedKafkaProducer implements AutoCloseable {

	private final Producer<String, byte[]> producer;

	private final ThreadPoolExecutor publisher;

	private final int queueCapacity;

	/** The last send's failure, or {@code null} once a send succeeded after it. */
	private volatile @Nullable String lastFailure;

	/**
	 * Create a producer.
	 * @param name the name of the publisher thread, and the producer's client ID
	 * @param clients where the producer comes from
	 * @param queueCapacity records waiting for the publisher thread before sends fail
	 * @param publishTimeout how long Kafka may take to accept a record
	 * @param bufferMemory the producer's {@code buffer.memory}
	 */
	public BoundedKafkaProducer(String name, KafkaClients clients, int queueCapacity, Duration publishTimeout,
			long bufferMemory) {
		// the bounds are the gateway's own and win over the connection settings
		Map<String, Object> bounds = new HashMap<>();
		bounds.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) publishTimeout.toMillis());
		bounds.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) publishTimeout.toMillis());
		bounds.put(ProducerConfig.BUFFER_MEMORY_CONFIG, bufferMemory);
		// Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms; an
		// application that sets either keeps that sum within the publish timeout
		Map<String, Object> defaults = new HashMap<>();
		defaults.put(ProducerConfig.LINGER_MS_CONFIG, 1);
		defaults.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, publishTimeout.toMillis() - 1));
		this.producer = clients.producer(name, defaults, bounds);
		this.queueCapacity = queueCapacity;
		this.publisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity),
				(runnable) -> {
					Thread thread = new Thread(runnable, name);
					thread.setDaemon(true);
					return thread;
				}, BoundedKafkaProducer::reject);
	}

	/**
	 * Send a record.
	 * @param record builds the record on the publisher thread, where it may read producer
	 * metadata such as partition counts
	 * @return completes when Kafka acknowledged the record
	 */
	public Mono<Void> send(Function<Producer<String, byte[]>, ProducerRecord<String, byte[]>> record) {
		return Mono.create((sink) -> {
			try {
				this.publisher.execute(() -> {
					try {
						this.producer.send(record.apply(this.producer), (metadata, error) -> {
							this.lastFailure = (error != null) ? error.getMessage() : null;
							if (error != null) {
								sink.error(new KafkaPublishException(
										"Kafka did not take the record: " + error.getMessage(), error));
							}
							else {
								sink.success();
							}
						});
					}
					catch (KafkaException | ArithmeticException ex) {
						this.lastFailure = ex.getMessage();
						sink.error(new KafkaPublishException("Kafka did not take the record: " + ex.getMessage(), ex));
					}
				});
			}
			catch (RejectedExecutionException ex) {
				this.lastFailure = "publish queue full";
				sink.error(new KafkaPublishException(
						"Kafka publish queue is full (" + this.queueCapacity + " records); is Kafka reachable?", ex));
			}
		});
	}

	/**
	 * Why the last send failed, when no send succeeded since.
	 * @return the failure, or {@code null}
	 */
	public @Nullable String lastFailure() {
		return this.lastFailure;
	}

	/**
	 * Records waiting for the publisher thread.
	 * @return the count
	 */
	public int queued() {
		return this.publisher.getQueue().size();
	}

	/**
	 * Read one of the producer's own metrics (the producer is thread safe).
	 * @param group the metric group, such as {@code producer-metrics}
	 * @param name the metric name, such as {@code connection-count}
	 * @return its value, or {@code NaN} when the producer has no such metric
	 */
	public double metric(String group, String name) {
		return KafkaMetrics.value(this.producer.metrics(), group, name);
	}

	@Override
	public void close() {
		this.publisher.shutdown();
		this.producer.close(Duration.ofSeconds(5));
	}

	/*
	 * Rejects like {@link ThreadPoolExecutor.AbortPolicy} without its message, which
	 * prints the executor and so takes the executor's lock: a publish that finds the
	 * queue full must fail at once, not wait for a lock on an event loop.
	 */
	private static void reject(Runnable task, ThreadPoolExecutor executor) {
		throw new RejectedExecutionException("publish queue full");
	}

}
