package io.pushgateway.registry;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.pushgateway.spi.MessageRateLimiter;
import reactor.core.publisher.Mono;

/**
 * The per-user message buckets of a single node. A bucket holds {@code burst} tokens and
 * regains {@code perSecond} a second; a full bucket is forgotten when the map grows past
 * its bound, so the map holds at most the users who sent recently, bounded by
 * {@code maxUsers} (beyond it a user without a bucket is admitted).
 *
 * @author Push Gateway team
 */
public final class InMemoryMessageRateLimiter implements MessageRateLimiter {

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final double perSecond;

	private final double burst;

	private final int maxUsers;

	private final Clock clock;

	/**
	 * Create the buckets.
	 * @param perSecond tokens regained per second
	 * @param burst the most tokens a bucket holds
	 * @param maxUsers the most buckets held
	 * @param clock the time
	 */
	public InMemoryMessageRateLimiter(int perSecond, int burst, int maxUsers, Clock clock) {
		this.perSecond = perSecond;
		this.burst = burst;
		this.maxUsers = maxUsers;
		this.clock = clock;
	}

	@Override
	public Mono<Boolean> tryAcquire(String uid) {
		long now = this.clock.millis();
		Bucket bucket = this.buckets.get(uid);
		if (bucket == null) {
			if (this.buckets.size() >= this.maxUsers) {
				prune(now);
				if (this.buckets.size() >= this.maxUsers) {
					return Mono.just(true);
				}
			}
			bucket = this.buckets.computeIfAbsent(uid, (key) -> new Bucket(this.burst, now));
		}
		return Mono.just(bucket.take(now, this.perSecond, this.burst));
	}

	/*
	 * Forgets the buckets that have refilled: they hold nothing a new bucket would not.
	 */
	private void prune(long now) {
		this.buckets.values().removeIf((bucket) -> bucket.full(now, this.perSecond, this.burst));
	}

	/**
	 * How many users have a bucket.
	 * @return the count
	 */
	public int size() {
		return this.buckets.size();
	}

	private static final class Bucket {

		private double tokens;

		private long at;

		Bucket(double tokens, long at) {
			this.tokens = tokens;
			this.at = at;
		}

		synchronized boolean take(long now, double perSecond, double burst) {
			refill(now, perSecond, burst);
			if (this.tokens < 1) {
				return false;
			}
			this.tokens -= 1;
			return true;
		}

		synchronized boolean full(long now, double perSecond, double burst) {
			refill(now, perSecond, burst);
			return this.tokens >= burst;
		}

		private void refill(long now, double perSecond, double burst) {
			if (now > this.at) {
				this.tokens = Math.min(burst, this.tokens + (now - this.at) * perSecond / 1000.0);
				this.at = now;
			}
		}

	}

}
