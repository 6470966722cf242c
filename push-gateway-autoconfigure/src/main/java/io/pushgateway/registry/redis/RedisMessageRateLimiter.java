package io.pushgateway.registry.redis;

import java.time.Duration;
import java.util.List;

import io.pushgateway.redis.GuardedRedisTemplate;
import io.pushgateway.spi.MessageRateLimiter;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The per-user message buckets of a cluster, in Redis ({@code rate.lua}): one key per
 * user, {@code ws:rate:user:{uid}}, in the user's hash slot, timed by Redis's clock,
 * expiring once refilled. One script call per client message of a limited user.
 *
 * @author Push Gateway team
 */
public final class RedisMessageRateLimiter implements MessageRateLimiter {

	private static final RedisScript<Long> RATE = RedisScripts.load(Long.class, "rate.lua");

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisKeys keys;

	private final List<String> args;

	private final Duration timeout;

	/**
	 * Create the buckets.
	 * @param connectionFactory the application's connection factory
	 * @param keyPrefix the registry's key prefix
	 * @param perSecond tokens regained per second
	 * @param burst the most tokens a bucket holds
	 * @param timeout each call's timeout
	 */
	public RedisMessageRateLimiter(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, int perSecond,
			int burst, Duration timeout) {
		this.redis = GuardedRedisTemplate.strings(connectionFactory);
		this.keys = new RedisKeys(keyPrefix);
		this.args = List.of(Integer.toString(perSecond), Integer.toString(burst));
		this.timeout = timeout;
	}

	@Override
	public Mono<Boolean> tryAcquire(String uid) {
		return this.redis.execute(RATE, List.of(this.keys.userRate(uid)), this.args)
			.next()
			.map((taken) -> taken == 1L)
			.timeout(this.timeout);
	}

}
