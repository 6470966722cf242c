package io.pushgateway.registry.redis;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.pushgateway.core.ClusterStats;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SocketPresence;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveRedisTemplate;

/**
 * The read side of the Redis session registry: presence queries over the keys the
 * registry writes ({@code ws:user:clients:{uid}}, {@code ws:guid:clients:{guid}},
 * {@code ws:client:{socketId}}), each bounded by the command timeout. Every query reads
 * one key, or one key at a time, so each works on Redis Cluster too.
 *
 * @author Push Gateway team
 */
final class RedisPresence {

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisKeys keys;

	private final Duration timeout;

	RedisPresence(ReactiveRedisTemplate<String, String> redis, RedisKeys keys, Duration timeout) {
		this.redis = redis;
		this.keys = keys;
		this.timeout = timeout;
	}

	Mono<Set<String>> nodesOf(PushTarget target) {
		Flux<String> nodes;
		if (target instanceof PushTarget.User user) {
			nodes = this.redis.<String, String>opsForHash().values(this.keys.userClients(user.uid()));
		}
		else if (target instanceof PushTarget.Users users) {
			nodes = Flux.fromIterable(new HashSet<>(users.uids()))
				.flatMap((uid) -> this.redis.<String, String>opsForHash().values(this.keys.userClients(uid)), 32);
		}
		else if (target instanceof PushTarget.Guid guid) {
			nodes = this.redis.<String, String>opsForHash().values(this.keys.guidClients(guid.guid()));
		}
		else if (target instanceof PushTarget.Socket socket) {
			nodes = this.redis.<String, String>opsForHash()
				.get(this.keys.client(Long.toString(socket.socketId())), "node")
				.flux();
		}
		else {
			return Mono.empty();
		}
		return nodes.collect(Collectors.toSet()).timeout(this.timeout);
	}

	Mono<Boolean> isOnline(String uid) {
		return this.redis.hasKey(this.keys.userClients(uid)).timeout(this.timeout);
	}

	Mono<List<SocketPresence>> socketsOf(String uid) {
		return this.redis.<String, String>opsForHash()
			.entries(this.keys.userClients(uid))
			.map((entry) -> new SocketPresence(Long.parseLong(entry.getKey()), entry.getValue()))
			.sort(Comparator.comparingLong(SocketPresence::socketId))
			.collectList()
			.timeout(this.timeout);
	}

	Mono<Map<String, String>> describe(long socketId) {
		return this.redis.<String, String>opsForHash()
			.entries(this.keys.client(Long.toString(socketId)))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.filter((fields) -> !fields.isEmpty())
			.timeout(this.timeout);
	}

	Mono<Long> guidConnections(String guid) {
		return this.redis.opsForHash().size(this.keys.guidClients(guid)).timeout(this.timeout);
	}

	/*
	 * Nodes, connections (the sizes of the nodes' sets, one command each: they live in
	 * different slots) and users.
	 */
	Mono<ClusterStats> stats() {
		Mono<List<Long>> nodes = this.redis.opsForZSet()
			.range(this.keys.nodes(), Range.unbounded())
			.flatMap((node) -> this.redis.opsForSet().size(this.keys.nodeClients(node)))
			.collectList();
		return Mono.zip(nodes, this.redis.opsForHash().size(this.keys.users()))
			.map((counts) -> new ClusterStats(counts.getT1().size(),
					counts.getT1().stream().mapToLong(Long::longValue).sum(), counts.getT2()))
			.timeout(this.timeout);
	}

	/**
	 * The raw client hash of a socket, for diagnostics.
	 * @param socketId the socket ID
	 * @return the fields
	 */
	Mono<Map<String, String>> client(long socketId) {
		return this.redis.<String, String>opsForHash()
			.entries(this.keys.client(Long.toString(socketId)))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue);
	}

}
