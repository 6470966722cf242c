package io.pushgateway.registry.redis;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The work of one batch split into script calls: on Redis Cluster one part per hash slot
 * the batch touches, so that no call spans two slots (see {@link RedisKeys} for the hash
 * tags that put an entity's keys in one slot); on a standalone Redis one part for the
 * whole batch. Parts keep the order in which their slots were first touched.
 *
 * @param <P> a part: what one script call is built from
 * @author Push Gateway team
 */
final class SlotPartition<P> {

	private final boolean cluster;

	private final Supplier<P> newPart;

	private final Map<Integer, P> parts = new LinkedHashMap<>();

	/**
	 * Start a batch.
	 * @param cluster whether to split by hash slot
	 * @param newPart creates the part of a slot the batch touches first
	 */
	SlotPartition(boolean cluster, Supplier<P> newPart) {
		this.cluster = cluster;
		this.newPart = newPart;
	}

	/**
	 * Whether a connection factory talks to a Redis Cluster.
	 * @param connectionFactory the factory
	 * @return {@code true} for Redis Cluster
	 */
	static boolean isCluster(ReactiveRedisConnectionFactory connectionFactory) {
		return connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
	}

	/**
	 * The part that holds work on a key, created when the batch first touches its slot.
	 * @param key the key
	 * @return its part
	 */
	P of(String key) {
		return this.parts.computeIfAbsent(this.cluster ? RedisKeys.slot(key) : 0, (slot) -> this.newPart.get());
	}

	boolean isEmpty() {
		return this.parts.isEmpty();
	}

	Collection<P> parts() {
		return this.parts.values();
	}

}
