package io.pushgateway.registry.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pushgateway.core.ClusterStats;
import io.pushgateway.core.ConnectionInfo;
import io.pushgateway.core.ConnectionPage;
import io.pushgateway.core.NodeStats;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.redis.GuardedRedisTemplate;
import io.pushgateway.spi.ConnectionPaging;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
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

	private final boolean clientAddresses;

	/**
	 * Create the presence queries over a registry's keys, which list no client addresses.
	 * @param connectionFactory the Redis connection factory
	 * @param keyPrefix the registry's key prefix ({@code ws} by default)
	 * @param commandTimeout how long each query may take
	 */
	public RedisPresence(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, Duration commandTimeout) {
		this(connectionFactory, keyPrefix, commandTimeout, false);
	}

	/**
	 * Create the presence queries over a registry's keys.
	 * @param connectionFactory the Redis connection factory
	 * @param keyPrefix the registry's key prefix ({@code ws} by default)
	 * @param commandTimeout how long each query may take
	 * @param clientAddresses whether listings show the clients' addresses (which the
	 * registries write only when told to)
	 */
	public RedisPresence(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, Duration commandTimeout,
			boolean clientAddresses) {
		this(GuardedRedisTemplate.strings(connectionFactory), new RedisKeys(keyPrefix), commandTimeout,
				clientAddresses);
	}

	RedisPresence(ReactiveRedisTemplate<String, String> redis, RedisKeys keys, Duration timeout,
			boolean clientAddresses) {
		this.redis = redis;
		this.keys = keys;
		this.timeout = timeout;
		this.clientAddresses = clientAddresses;
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

	/*
	 * The nodes' sorted set (scored with each one's last heartbeat), then each one's set.
	 */
	@Override
	public Mono<List<NodeStats>> nodes() {
		return this.redis.opsForZSet().rangeWithScores(this.keys.nodes(), Range.unbounded()).concatMap((node) -> {
			String id = String.valueOf(node.getValue());
			Double score = node.getScore();
			long heartbeat = (score != null) ? score.longValue() : 0;
			return this.redis.opsForSet()
				.size(this.keys.nodeClients(id))
				.map((count) -> new NodeStats(id, count, Instant.ofEpochMilli(heartbeat)));
		}).collectList().timeout(this.timeout);
	}

	/*
	 * The target's socket IDs (one hash), then the page's sockets, one hash each (each in
	 * a slot of its own), in order; a socket whose hash is gone closed meanwhile.
	 */
	@Override
	public Mono<ConnectionPage> connections(PushTarget target, @Nullable String cursor, int limit) {
		ConnectionPaging paging;
		try {
			paging = ConnectionPaging.of(target, cursor, limit);
		}
		catch (PushRejectedException ex) {
			return Mono.error(ex);
		}
		String key = (target instanceof PushTarget.User user) ? this.keys.userClients(user.uid())
				: this.keys.guidClients(((PushTarget.Guid) target).guid());
		return this.redis.<String, String>opsForHash().keys(key).map(Long::parseLong).collectList().flatMap((ids) -> {
			List<Long> selected = paging.select(ids);
			return Flux.fromIterable(paging.ofPage(selected))
				.flatMapSequential((id) -> this.redis.<String, String>opsForHash()
					.entries(this.keys.client(Long.toString(id)))
					.collectMap(Map.Entry::getKey, Map.Entry::getValue)
					.mapNotNull((fields) -> describe(id, fields)), 32)
				.collectList()
				.map((found) -> paging.page(selected, found));
		}).timeout(this.timeout);
	}

	private @Nullable ConnectionInfo describe(long socketId, Map<String, String> fields) {
		String uid = fields.get("uid");
		if (uid == null) {
			return null;
		}
		String address = this.clientAddresses ? fields.get("address") : null;
		return new ConnectionInfo(socketId, uid, fields.getOrDefault("node", ""),
				fields.getOrDefault("transport", "websocket"), fields.getOrDefault("protocol", ""),
				Instant.ofEpochMilli(millis(fields.get("connectedAt"))),
				Instant.ofEpochMilli(millis(fields.get("lastSeen"))), guids(fields.get("guids")), address);
	}

	private static long millis(@Nullable String value) {
		try {
			return (value != null) ? Long.parseLong(value) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static Set<String> guids(@Nullable String json) {
		if (json == null || json.length() < 2) {
			return Set.of();
		}
		try {
			return Set.copyOf(RegistryWriter.guids(json));
		}
		catch (RuntimeException ex) {
			return Set.of();
		}
	}

}
