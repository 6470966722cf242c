package io.pushgateway.registry.redis;

import java.nio.charset.StandardCharsets;
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

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The read side of the Redis session registry: presence queries over the keys the
 * registry writes ({@code ws:user:clients:{uid}}, {@code ws:guid:clients:{guid}},
 * {@code ws:client:{socketId}}), each bounded by the command timeout.
 *
 * @author Push Gateway team
 */
final class RedisPresence {

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> STATS = RedisSessionRegistry.script(List.class, "stats.lua");

	private final ReactiveStringRedisTemplate redis;

	private final String keyPrefix;

	private final Duration timeout;

	RedisPresence(ReactiveStringRedisTemplate redis, String keyPrefix, Duration timeout) {
		this.redis = redis;
		this.keyPrefix = keyPrefix;
		this.timeout = timeout;
	}

	private String key(String suffix) {
		return this.keyPrefix + ':' + suffix;
	}

	Mono<Set<String>> nodesOf(PushTarget target) {
		Flux<String> nodes;
		if (target instanceof PushTarget.User user) {
			nodes = this.redis.<String, String>opsForHash().values(key("user:clients:" + user.uid()));
		}
		else if (target instanceof PushTarget.Users users) {
			nodes = Flux.fromIterable(new HashSet<>(users.uids()))
				.flatMap((uid) -> this.redis.<String, String>opsForHash().values(key("user:clients:" + uid)), 32);
		}
		else if (target instanceof PushTarget.Guid guid) {
			nodes = this.redis.<String, String>opsForHash().values(key("guid:clients:" + guid.guid()));
		}
		else if (target instanceof PushTarget.Socket socket) {
			nodes = this.redis.<String, String>opsForHash().get(key("client:" + socket.socketId()), "node").flux();
		}
		else {
			return Mono.empty();
		}
		return nodes.collect(Collectors.toSet()).timeout(this.timeout);
	}

	Mono<Boolean> isOnline(String uid) {
		return this.redis.hasKey(key("user:clients:" + uid)).timeout(this.timeout);
	}

	Mono<List<SocketPresence>> socketsOf(String uid) {
		return this.redis.<String, String>opsForHash()
			.entries(key("user:clients:" + uid))
			.map((entry) -> new SocketPresence(Long.parseLong(entry.getKey()), entry.getValue()))
			.sort(Comparator.comparingLong(SocketPresence::socketId))
			.collectList()
			.timeout(this.timeout);
	}

	Mono<Map<String, String>> describe(long socketId) {
		return this.redis.<String, String>opsForHash()
			.entries(key("client:" + socketId))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.filter((fields) -> !fields.isEmpty())
			.timeout(this.timeout);
	}

	Mono<Long> guidConnections(String guid) {
		return this.redis.opsForHash().size(key("guid:clients:" + guid)).timeout(this.timeout);
	}

	Mono<ClusterStats> stats() {
		return this.redis.execute(STATS, List.of(), List.of(this.keyPrefix))
			.next()
			.map((counts) -> new ClusterStats(number(counts.get(0)), number(counts.get(1)), number(counts.get(2))))
			.timeout(this.timeout);
	}

	private static long number(Object value) {
		return (value instanceof Number number) ? number.longValue() : Long.parseLong(
				(value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value));
	}

	/**
	 * The raw client hash of a socket, for diagnostics.
	 * @param socketId the socket ID
	 * @return the fields
	 */
	Mono<Map<String, String>> client(long socketId) {
		return this.redis.<String, String>opsForHash()
			.entries(key("client:" + socketId))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue);
	}

}
