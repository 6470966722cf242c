package io.pushgateway.registry.redis;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.pushgateway.core.PushTarget;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveRedisTemplate;

/**
 * What the Redis session registry reads back for the node itself rather than for the
 * application: the nodes holding a target's sockets, for targeted routing, and one
 * socket's fields, for operators. Each lookup reads one key, or one key at a time, within
 * the command timeout. The application's presence queries are {@link RedisPresence}.
 *
 * @author Push Gateway team
 */
final class RegistryLookups {

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisKeys keys;

	private final Duration timeout;

	RegistryLookups(ReactiveRedisTemplate<String, String> redis, RedisKeys keys, Duration timeout) {
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

	Mono<Map<String, String>> describe(long socketId) {
		return this.redis.<String, String>opsForHash()
			.entries(this.keys.client(Long.toString(socketId)))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.filter((fields) -> !fields.isEmpty())
			.timeout(this.timeout);
	}

}
