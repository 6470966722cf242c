package io.pushgateway.cluster.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.concurrent.Queues;

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

	private static final Log logger = LogFactory.getLog(BoundedKafkaProducer.class);

	private final Producer<String, byte[]> producer;

	/*
	 * The publisher thread's queue, written by hand rather than a ThreadPoolExecutor: its
	 * bounded queues take a lock on every offer, and a sender on an event loop must never
	 * wait for one (a contended lock parks the thread). A lock-free multi-producer queue,
	 * a counter for the bound, and park/unpark to wake the one consumer.
	 */
	private final Queue<Runnable> queue = Queues.<Runnable>unboundedMultiproducer().get();

	private final AtomicInteger queued = new AtomicInteger();

	private final Thread publisher;

	private volatile boolean closed;

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
		// Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms. Half the
		// publish timeout for a request leaves the other half to an application's
		// linger.ms (Kafka 4's own default is 5 ms), and a request that got no answer may
		// be retried in what is left of the publish timeout
		Map<String, Object> defaults = new HashMap<>();
		defaults.put(ProducerConfig.LINGER_MS_CONFIG, 1);
		defaults.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, publishTimeout.toMillis() / 2));
		try {
			this.producer = clients.producer(name, defaults, bounds);
		}
		catch (KafkaException ex) {
			if (refusedDeliveryTimeout(ex)) {
				throw new IllegalStateException("Kafka producer '" + name + "': linger.ms plus request.timeout.ms (by "
						+ "default half the publish timeout) must fit within the publish timeout of "
						+ publishTimeout.toMillis() + " ms, which is its delivery.timeout.ms", ex);
			}
			throw ex;
		}
		this.queueCapacity = queueCapacity;
		this.publisher = new Thread(this::publish, name);
		this.publisher.setDaemon(true);
		this.publisher.start();
	}

	private static boolean refusedDeliveryTimeout(Throwable ex) {
		return KafkaCauses.find(ex, (cause) -> cause instanceof ConfigException
				&& String.valueOf(cause.getMessage()).contains("delivery.timeout.ms")) != null;
	}

	/* The publisher thread: runs queued sends until closed and drained. */
	private void publish() {
		while (true) {
			Runnable task = this.queue.poll();
			if (task == null) {
				if (this.closed) {
					return;
				}
				// an offer unparks this thread; the timeout only guards against a lost
				// wake-up
				LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
				continue;
			}
			this.queued.decrementAndGet();
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.warn("Kafka publish task failed", ex);
			}
		}
	}

	/* Queue a task for the publisher thread; false when the queue is full or closed. */
	private boolean offer(Runnable task) {
		if (this.closed) {
			return false;
		}
		if (this.queued.incrementAndGet() > this.queueCapacity) {
			this.queued.decrementAndGet();
			return false;
		}
		this.queue.offer(task);
		LockSupport.unpark(this.publisher);
		return true;
	}

	/**
	 * Run a task on the publisher thread ahead of the records queued after it, such as
	 * reading metadata; dropped when the queue is full or closed.
	 * @param task what to do with the producer
	 */
	public void prepare(Consumer<Producer<String, byte[]>> task) {
		offer(() -> task.accept(this.producer));
	}

	/**
	 * Send a record.
	 * @param record builds the record on the publisher thread, where it may read producer
	 * metadata such as partition counts
	 * @return completes when Kafka acknowledged the record
	 */
	public Mono<Void> send(Function<Producer<String, byte[]>, ProducerRecord<String, byte[]>> record) {
		return Mono.create((sink) -> {
			boolean queued = offer(() -> {
				try {
					this.producer.send(record.apply(this.producer), (metadata, error) -> {
						this.lastFailure = (error != null) ? error.getMessage() : null;
						if (error != null) {
							sink.error(new KafkaPublishException("Kafka did not take the record: " + error.getMessage(),
									error));
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
			if (!queued && this.closed) {
				sink.error(new KafkaPublishException("Kafka producer closed"));
			}
			else if (!queued) {
				this.lastFailure = "publish queue full";
				sink.error(new KafkaPublishException(
						"Kafka publish queue is full (" + this.queueCapacity + " records); is Kafka reachable?"));
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
		return this.queued.get();
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
		// what is queued is still sent, as an executor's shutdown would
		this.closed = true;
		LockSupport.unpark(this.publisher);
		try {
			this.publisher.join(5_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.producer.close(Duration.ofSeconds(5));
	}

}
