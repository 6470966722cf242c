package io.pushgateway.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.pushgateway.core.BanState;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.spi.BanStore;
import io.pushgateway.spi.PushPrincipal;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The bans and revocations of a single node, in memory: at most {@code maxEntries} of
 * them; lapsed ones are forgotten when room is needed, and past that a new one is refused
 * rather than an old one forgotten (a ban must not lapse because others arrived).
 *
 * @author Push Gateway team
 */
public final class InMemoryBanStore implements BanStore {

	private static final long FOREVER = Long.MAX_VALUE;

	private final int maxEntries;

	private final Duration retention;

	private final Clock clock;

	/*
	 * Key ("user\0uid", "before\0uid", "token\0uid\0id") -> the entry; guarded by itself.
	 */
	private final Map<String, Entry> entries = new HashMap<>();

	/**
	 * A store of a single node.
	 * @param maxEntries the most bans and revocations it holds
	 * @param retention how long a revocation of the credentials issued before a time is
	 * kept (at least the longest credential's lifetime)
	 * @param clock the time
	 */
	public InMemoryBanStore(int maxEntries, Duration retention, Clock clock) {
		this.maxEntries = maxEntries;
		this.retention = retention;
		this.clock = clock;
	}

	@Override
	public Mono<Void> banUser(String uid, @Nullable Instant until) {
		return put("user\0" + uid, 0, (until != null) ? until.toEpochMilli() : FOREVER);
	}

	@Override
	public Mono<Void> unbanUser(String uid) {
		return remove("user\0" + uid);
	}

	@Override
	public Mono<Void> revokeToken(String uid, String tokenId, Instant until) {
		return put("token\0" + uid + '\0' + tokenId, 0, until.toEpochMilli());
	}

	@Override
	public Mono<Void> restoreToken(String uid, String tokenId) {
		return remove("token\0" + uid + '\0' + tokenId);
	}

	@Override
	public Mono<Void> revokeIssuedBefore(String uid, Instant before) {
		return put("before\0" + uid, before.toEpochMilli(), this.clock.millis() + this.retention.toMillis());
	}

	@Override
	public Mono<Void> restoreIssuedBefore(String uid) {
		return remove("before\0" + uid);
	}

	@Override
	public Mono<Optional<Refusal>> check(PushPrincipal principal) {
		return Mono.fromSupplier(() -> {
			long now = this.clock.millis();
			String uid = principal.uid();
			synchronized (this.entries) {
				if (live(this.entries.get("user\0" + uid), now) != null) {
					return Optional.of(Refusal.BANNED);
				}
				Entry before = live(this.entries.get("before\0" + uid), now);
				Instant issuedAt = principal.issuedAt();
				if (before != null && (issuedAt == null || issuedAt.toEpochMilli() < before.value())) {
					return Optional.of(Refusal.REVOKED);
				}
				String tokenId = principal.tokenId();
				if (tokenId != null && live(this.entries.get("token\0" + uid + '\0' + tokenId), now) != null) {
					return Optional.of(Refusal.REVOKED);
				}
				return Optional.empty();
			}
		});
	}

	@Override
	public Mono<BanState> state(String uid) {
		return Mono.fromSupplier(() -> {
			long now = this.clock.millis();
			synchronized (this.entries) {
				Entry ban = live(this.entries.get("user\0" + uid), now);
				Entry before = live(this.entries.get("before\0" + uid), now);
				return new BanState(ban != null,
						(ban != null && ban.until() != FOREVER) ? Instant.ofEpochMilli(ban.until()) : null,
						(before != null) ? Instant.ofEpochMilli(before.value()) : null);
			}
		});
	}

	/* How many bans and revocations are held, lapsed ones included. */
	int size() {
		synchronized (this.entries) {
			return this.entries.size();
		}
	}

	private Mono<Void> put(String key, long value, long until) {
		return Mono.fromRunnable(() -> {
			long now = this.clock.millis();
			synchronized (this.entries) {
				if (until <= now) {
					// lapsed already: nothing to refuse
					this.entries.remove(key);
					return;
				}
				if (!this.entries.containsKey(key) && this.entries.size() >= this.maxEntries) {
					this.entries.values().removeIf((entry) -> entry.until() <= now);
					if (this.entries.size() >= this.maxEntries) {
						throw new PushRejectedException("the node holds " + this.maxEntries
								+ " bans and revocations already (push.gateway.bans.max-entries)");
					}
				}
				this.entries.put(key, new Entry(value, until));
			}
		});
	}

	private Mono<Void> remove(String key) {
		return Mono.fromRunnable(() -> {
			synchronized (this.entries) {
				this.entries.remove(key);
			}
		});
	}

	private static @Nullable Entry live(@Nullable Entry entry, long now) {
		return (entry != null && entry.until() > now) ? entry : null;
	}

	/* A value (the time before which credentials are refused) and when it lapses. */
	private record Entry(long value, long until) {
	}

}
