package io.pushgateway.registry.redis;

import java.time.Duration;
import java.util.Optional;

import io.pushgateway.redis.GuardedRedisTemplate;
import io.pushgateway.spi.IdempotencyStore;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;

/**
 * The idempotency keys of a cluster, in Redis: {@code ws:idempotency:<key>} (the
 * registry's key prefix, then {@code :idempotency:}), set with {@code SET NX PX} by the
 * node that claims it, so every node sees one claim.
 *
 * @author Push Gateway team
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

	private final ReactiveRedisTemplate<String, String> redis;

	private final String prefix;

	private final Duration timeout;

	public RedisIdempotencyStore(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, Duration timeout) {
		this.redis = GuardedRedisTemplate.strings(connectionFactory);
		this.prefix = keyPrefix + ":idempotency:";
		this.timeout = timeout;
	}

	@Override
	public Mono<Optional<String>> claim(String key, Duration lease) {
		String name = this.prefix + key;
		return this.redis.opsForValue()
			.setIfAbsent(name, "", lease)
			.flatMap((claimed) -> claimed ? Mono.just(Optional.<String>empty())
					: this.redis.opsForValue().get(name).map(Optional::of).defaultIfEmpty(Optional.of("")))
			.timeout(this.timeout);
	}

	@Override
	public Mono<String> get(String key) {
		return this.redis.opsForValue().get(this.prefix + key).timeout(this.timeout);
	}

	@Override
	public Mono<Void> complete(String key, String messageId, Duration window) {
		return this.redis.opsForValue().set(this.prefix + key, messageId, window).timeout(this.timeout).then();
	}

	@Override
	public Mono<Void> release(String key) {
		return this.redis.delete(this.prefix + key).timeout(this.timeout).then();
	}

}
