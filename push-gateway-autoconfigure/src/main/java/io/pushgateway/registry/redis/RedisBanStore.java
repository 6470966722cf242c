package io.pushgateway.registry.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.pushgateway.core.BanState;
import io.pushgateway.redis.GuardedRedisTemplate;
import io.pushgateway.spi.BanStore;
import io.pushgateway.spi.PushPrincipal;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;

/**
 * The bans and revocations of a cluster, in Redis, in the user's hash slot so that one
 * {@code MGET} checks a handshake:
 *
 * <pre>
 * SET ws:ban:user:{uid}          {until ms, 0 for good}  [PX until]   a banned user
 * SET ws:ban:before:{uid}        {ms}  PX {retention}                 credentials issued before are refused
 * SET ws:ban:token:{uid}:{jti}   1     PX {until}                     a revoked credential
 * </pre>
 *
 * Expiries are set from this node's clock, so a ban until a time lapses within the nodes'
 * clock skew of it.
 *
 * @author Push Gateway team
 */
public final class RedisBanStore implements BanStore {

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisKeys keys;

	private final Duration retention;

	private final Duration timeout;

	private final Clock clock;

	/**
	 * A store in Redis.
	 * @param connectionFactory the application's connection factory
	 * @param keyPrefix the registry's key prefix
	 * @param retention how long a revocation of the credentials issued before a time is
	 * kept
	 * @param timeout each command's timeout
	 * @param clock the time
	 */
	public RedisBanStore(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, Duration retention,
			Duration timeout, Clock clock) {
		this.redis = GuardedRedisTemplate.strings(connectionFactory);
		this.keys = new RedisKeys(keyPrefix);
		this.retention = retention;
		this.timeout = timeout;
		this.clock = clock;
	}

	@Override
	public Mono<Void> banUser(String uid, @Nullable Instant until) {
		String key = this.keys.bannedUser(uid);
		if (until == null) {
			return this.redis.opsForValue().set(key, "0").timeout(this.timeout).then();
		}
		return set(key, Long.toString(until.toEpochMilli()), until);
	}

	@Override
	public Mono<Void> unbanUser(String uid) {
		return delete(this.keys.bannedUser(uid));
	}

	@Override
	public Mono<Void> revokeToken(String uid, String tokenId, Instant until) {
		return set(this.keys.revokedToken(uid, tokenId), "1", until);
	}

	@Override
	public Mono<Void> restoreToken(String uid, String tokenId) {
		return delete(this.keys.revokedToken(uid, tokenId));
	}

	@Override
	public Mono<Void> revokeIssuedBefore(String uid, Instant before) {
		return this.redis.opsForValue()
			.set(this.keys.revokedBefore(uid), Long.toString(before.toEpochMilli()), this.retention)
			.timeout(this.timeout)
			.then();
	}

	@Override
	public Mono<Void> restoreIssuedBefore(String uid) {
		return delete(this.keys.revokedBefore(uid));
	}

	@Override
	public Mono<Optional<Refusal>> check(PushPrincipal principal) {
		String uid = principal.uid();
		List<String> names = new ArrayList<>(List.of(this.keys.bannedUser(uid), this.keys.revokedBefore(uid)));
		String tokenId = principal.tokenId();
		if (tokenId != null) {
			names.add(this.keys.revokedToken(uid, tokenId));
		}
		return this.redis.opsForValue().multiGet(names).timeout(this.timeout).map((values) -> {
			if (values.get(0) != null) {
				return Optional.of(Refusal.BANNED);
			}
			String before = values.get(1);
			Instant issuedAt = principal.issuedAt();
			if (before != null && (issuedAt == null || issuedAt.toEpochMilli() < Long.parseLong(before))) {
				return Optional.of(Refusal.REVOKED);
			}
			if (values.size() > 2 && values.get(2) != null) {
				return Optional.of(Refusal.REVOKED);
			}
			return Optional.empty();
		});
	}

	@Override
	public Mono<BanState> state(String uid) {
		return this.redis.opsForValue()
			.multiGet(List.of(this.keys.bannedUser(uid), this.keys.revokedBefore(uid)))
			.timeout(this.timeout)
			.map((values) -> {
				String until = values.get(0);
				String before = values.get(1);
				return new BanState(until != null,
						(until != null && !"0".equals(until)) ? Instant.ofEpochMilli(Long.parseLong(until)) : null,
						(before != null) ? Instant.ofEpochMilli(Long.parseLong(before)) : null);
			});
	}

	private Mono<Void> set(String key, String value, Instant until) {
		Duration left = Duration.between(this.clock.instant(), until);
		if (left.toMillis() <= 0) {
			// lapsed already: nothing to refuse
			return delete(key);
		}
		return this.redis.opsForValue().set(key, value, left).timeout(this.timeout).then();
	}

	private Mono<Void> delete(String key) {
		return this.redis.delete(key).timeout(this.timeout).then();
	}

}
