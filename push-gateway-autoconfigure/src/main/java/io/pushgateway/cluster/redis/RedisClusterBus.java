package io.pushgateway.cluster.redis;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import io.pushgateway.cluster.BusRecord;
import io.pushgateway.cluster.BusRecordBytes;
import io.pushgateway.cluster.BusRecordDecoder;
import io.pushgateway.cluster.BusRecordEncoder;
import io.pushgateway.cluster.RecordRejectedException;
import io.pushgateway.cluster.SkippedRecords;
import io.pushgateway.redis.GuardedRedisTemplate;
import io.pushgateway.spi.BackendHealth;
import io.pushgateway.spi.BusRecordRejection;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterBusException;
import io.pushgateway.spi.ClusterMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * A {@link ClusterBus} over one Redis pub/sub channel, for teams without Kafka. Every
 * node publishes to the channel and subscribes to it; a message is a {@link BusRecord} in
 * MessagePack, and a node skips its own.
 *
 * <p>
 * Pub/sub is fire-and-forget: a node that is disconnected from Redis misses what is
 * published meanwhile. Publishing is bounded: at most {@code maxInFlight} publishes await
 * Redis, and each fails with a {@link ClusterBusException} after {@code timeout}.
 *
 * @author Push Gateway team
 */
public final class RedisClusterBus implements ClusterBus, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisClusterBus.class);

	private final ReactiveRedisTemplate<String, byte[]> template;

	private final ReactiveRedisMessageListenerContainer container;

	private final String channel;

	private final String nodeId;

	private final LongSupplier ids;

	private final int maxInFlight;

	private final Duration timeout;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final Sinks.Empty<Void> ready = Sinks.empty();

	private volatile boolean subscribed;

	/** The last publish's failure, or {@code null} once a publish succeeded after it. */
	private volatile @Nullable String lastFailure;

	private final SkippedRecords skipped;

	/** This process's token on its records ({@link BusRecord#INSTANCE}). */
	private final String instance = UUID.randomUUID().toString();

	/**
	 * Create a bus.
	 * @param connectionFactory the Redis connection factory
	 * @param settings the channel and the bounds of publishing
	 * @param nodeId this node's ID
	 * @param ids message IDs for records without one
	 * @param skipped reports messages that are not valid records
	 */
	public RedisClusterBus(ReactiveRedisConnectionFactory connectionFactory, RedisBusSettings settings, String nodeId,
			LongSupplier ids, SkippedRecords skipped) {
		this.skipped = skipped;
		this.template = new GuardedRedisTemplate<>(connectionFactory,
				RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
					.value(SerializationPair.byteArray())
					.build());
		this.container = new ReactiveRedisMessageListenerContainer(connectionFactory);
		this.channel = settings.channel();
		this.nodeId = nodeId;
		this.ids = ids;
		this.maxInFlight = settings.maxInFlight();
		this.timeout = settings.publishTimeout();
	}

	@Override
	public Mono<Void> publish(ClusterMessage message) {
		return publish(message, this.channel);
	}

	/** Publishes to each node's own channel, {@code {channel}:{node}}. */
	@Override
	public Mono<Void> publish(ClusterMessage message, Set<String> nodes) {
		return Flux.fromIterable(nodes).concatMap((node) -> publish(message, this.channel + ':' + node)).then();
	}

	private Mono<Void> publish(ClusterMessage message, String channel) {
		return Mono.defer(() -> {
			if (this.inFlight.incrementAndGet() > this.maxInFlight) {
				this.inFlight.decrementAndGet();
				return Mono.error(new ClusterBusException(
						this.maxInFlight + " publishes already await Redis; is Redis reachable?"));
			}
			return this.template
				.convertAndSend(channel,
						BusRecordBytes.toBytes(BusRecordEncoder.encode(message, this.nodeId, this.instance)))
				.timeout(this.timeout)
				.onErrorMap((error) -> new ClusterBusException("Redis did not take the message: " + error, error))
				.doOnSuccess((receivers) -> this.lastFailure = null)
				.doOnError((error) -> this.lastFailure = error.getMessage())
				.doFinally((signal) -> this.inFlight.decrementAndGet())
				.then();
		});
	}

	/** Up while subscribed to the channel and the last publish, if any, succeeded. */
	@Override
	public BackendHealth health() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("bus", "redis");
		details.put("channel", this.channel);
		details.put("subscribed", this.subscribed);
		details.put("publishesInFlight", this.inFlight.get());
		String failure = this.lastFailure;
		if (failure != null) {
			details.put("lastPublishFailure", failure);
		}
		return new BackendHealth(this.subscribed && failure == null, details);
	}

	@Override
	public Mono<Void> ready() {
		return this.ready.asMono();
	}

	@Override
	public Flux<ClusterMessage> received() {
		return this.container
			.receiveLater(List.of(ChannelTopic.of(this.channel), ChannelTopic.of(this.channel + ':' + this.nodeId)),
					SerializationPair.fromSerializer(RedisSerializer.string()), SerializationPair.byteArray())
			.doOnNext((subscribed) -> {
				this.subscribed = true;
				this.ready.tryEmitEmpty();
			})
			.flatMapMany((messages) -> messages)
			.doOnTerminate(() -> this.subscribed = false)
			.doOnCancel(() -> this.subscribed = false)
			.handle((message, sink) -> {
				BusRecord record;
				try {
					record = BusRecordBytes.fromBytes(message.getMessage());
				}
				catch (IllegalArgumentException ex) {
					this.skipped.skipped("on " + message.getChannel(), new RecordRejectedException(
							BusRecordRejection.UNREADABLE, String.valueOf(ex.getMessage())));
					return;
				}
				if (record.isFrom(this.instance)) {
					return;
				}
				try {
					sink.next(BusRecordDecoder.decode(record, this.ids.getAsLong()));
				}
				catch (RecordRejectedException ex) {
					this.skipped.skipped("on " + message.getChannel(), ex);
				}
				catch (RuntimeException ex) {
					this.skipped.skipped("on " + message.getChannel(), new RecordRejectedException(
							BusRecordRejection.UNREADABLE, String.valueOf(ex.getMessage())));
				}
			});
	}

	@Override
	public void destroy() {
		try {
			this.container.destroy();
		}
		catch (RuntimeException ex) {
			// the connection factory may be gone already; the subscription dies with it
			logger.debug("Redis bus subscription already closed: " + ex.getMessage());
		}
	}

}
