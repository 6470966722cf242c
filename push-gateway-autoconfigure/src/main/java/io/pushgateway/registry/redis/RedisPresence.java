package io.pushgateway.registry.redis;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import io.pushgateway.core.ClusterStats;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.redis.GuardedRedisTemplate;
import reactor.core.publisher.Mono;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;

/**
 * The {@link PresenceOperations} of a cluster whose sessions are in Redis, next to the
 * {@link RedisSessionRegistry}: presence queries over the keys the registries of every
 * node write ({@code ws:user:clients:{uid}}, {@code ws:guid:clients:{guid}},
 * {@code ws:nodes}, {@code ws:users}), each bounded by the command timeout. Every query
 * reads one key, or one key at a time, so each works on Redis Cluster too. It holds no
 * state and runs no task: any node, or any application sharing the key prefix, can ask.
 *
 * @author Push Gateway team
 */
public final class RedisPresence implements PresenceOperations {

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisKeys keys;

	private final Duration timeout;

	/**
	 * Create the presence queries over a registry's keys.
	 * @param connectionFactory the Redis connection factory
	 * @param keyPrefix the registry's key prefix ({@code ws} by default)
	 * @param commandTimeout how long each query may take
	 */
	public RedisPresence(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, Duration commandTimeout) {
		this(GuardedRedisTemplate.strings(connectionFactory), new RedisKeys(keyPrefix), commandTimeout);
	}

	RedisPresence(ReactiveRedisTemplate<String, String> redis, RedisKeys keys, Duration timeout) {
		this.redis = redis;
		this.keys = keys;
		this.timeout = timeout;
	}

	@Override
	public Mono<Boolean> isOnline(String uid) {
		return this.redis.hasKey(this.keys.userClients(uid)).timeout(this.timeout);
	}

	@Override
	public Mono<List<SocketPresence>> socketsOf(String uid) {
		return this.redis.<String, String>opsForHash()
			.entries(this.keys.userClients(uid))
			.map((entry) -> new SocketPresence(Long.parseLong(entry.getKey()), entry.getValue()))
			.sort(Comparator.comparingLong(SocketPresence::socketId))
			.collectList()
			.timeout(this.timeout);
	}

	@Override
	public Mono<Long> guidConnections(String guid) {
		return this.redis.opsForHash().size(this.keys.guidClients(guid)).timeout(this.timeout);
	}

	/*
	 * Nodes, connections (the sizes of the nodes' sets, one command each: they live in
	 * different slots) and users.
	 */
	@Override
	public Mono<ClusterStats> stats() {
		Mono<List<Long>> nodes = this.redis.opsForZSet()
			.range(this.keys.nodes(), Range.unbounded())
			.flatMap((node) -> this.redis.opsForSet().size(this.keys.nodeClients(node)))
			.collectList();
		return Mono.zip(nodes, this.redis.opsForHash().size(this.keys.users()))
			.map((counts) -> new ClusterStats(counts.getT1().size(),
					counts.getT1().stream().mapToLong(Long::longValue).sum(), counts.getT2()))
			.timeout(this.timeout);
	}

}
