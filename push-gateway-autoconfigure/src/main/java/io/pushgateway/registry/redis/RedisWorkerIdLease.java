package io.pushgateway.registry.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.id.WorkerIdStrategy;
import io.pushgateway.redis.GuardedRedisTemplate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A {@link WorkerIdStrategy} that leases a free worker ID from Redis ({@code SET
 * ws:worker:{id} {owner} NX PX {lease}}) and renews the lease every third of its length,
 * so every live node has a distinct worker ID without configuration. A node that dies
 * releases its ID when the lease expires.
 *
 * @author Push Gateway team
 */
public final class RedisWorkerIdLease implements WorkerIdStrategy, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisWorkerIdLease.class);

	private static final RedisScript<Long> RENEW = RedisScripts.load(Long.class, "renew.lua");

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisKeys keys;

	private final Duration lease;

	private final String owner = UUID.randomUUID().toString();

	private final int workerId;

	private final Disposable renewal;

	/**
	 * Lease a worker ID; blocks until Redis answers, so call it at startup only.
	 * @param connectionFactory the Redis connection factory
	 * @param keyPrefix the key prefix
	 * @param lease the lease length
	 * @throws IllegalStateException when all 1,024 IDs are leased or Redis does not
	 * answer
	 */
	public RedisWorkerIdLease(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, Duration lease) {
		this.redis = GuardedRedisTemplate.strings(connectionFactory);
		this.keys = new RedisKeys(keyPrefix);
		this.lease = lease;
		int start = ThreadLocalRandom.current().nextInt(SnowflakeIdGenerator.MAX_WORKER_ID + 1);
		// one SET NX per ID tried, from a random start: each key lives in its own slot
		Integer id = Flux.range(0, SnowflakeIdGenerator.MAX_WORKER_ID + 1)
			.map((k) -> (start + k) % (SnowflakeIdGenerator.MAX_WORKER_ID + 1))
			.concatMap((candidate) -> this.redis.opsForValue()
				.setIfAbsent(this.keys.worker(candidate), this.owner, lease)
				.filter(Boolean::booleanValue)
				.map((taken) -> candidate), 1)
			.next()
			.block(Duration.ofSeconds(30));
		if (id == null) {
			throw new IllegalStateException("No free Snowflake worker ID in Redis: 1,024 nodes hold leases");
		}
		this.workerId = id;
		Duration period = lease.dividedBy(3);
		this.renewal = Flux.interval(period, period, Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> renew(), 1)
			.subscribe();
		logger.info("Leased Snowflake worker ID " + this.workerId);
	}

	private Mono<Long> renew() {
		return this.redis
			.execute(RENEW, List.of(this.keys.worker(this.workerId)),
					List.of(this.owner, Long.toString(this.lease.toMillis())))
			.next()
			.doOnNext((renewed) -> {
				if (renewed == 0) {
					logger.error("Lost the lease of worker ID " + this.workerId + " (Redis unreachable for longer than "
							+ this.lease.toSeconds() + " s?); IDs may collide if another node leased it");
				}
			})
			.onErrorResume((error) -> Mono.empty());
	}

	@Override
	public int workerId() {
		return this.workerId;
	}

	@Override
	public void destroy() {
		this.renewal.dispose();
		this.redis.delete(this.keys.worker(this.workerId))
			.onErrorResume((error) -> Mono.empty())
			.block(Duration.ofSeconds(2));
	}

}
