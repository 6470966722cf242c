package io.pushgateway.transport;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.pushgateway.core.BanOperations;
import io.pushgateway.spi.BanStore;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.HandshakeRequest;
import io.pushgateway.spi.PushAuthenticator;
import io.pushgateway.spi.PushPrincipal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

/**
 * The application's {@link PushAuthenticator}, then the {@link BanStore}: a banned user
 * is refused with {@code 403 banned}, a revoked credential with
 * {@code 401 token revoked}, on every transport (they all admit through
 * {@link Admission}). When the store cannot answer, the handshake is admitted
 * ({@code fail-open}, the default: a Redis outage must not lock everyone out) or refused
 * with {@code 503}.
 *
 * @author Push Gateway team
 */
public final class BanCheck implements PushAuthenticator {

	private static final Log logger = LogFactory.getLog(BanCheck.class);

	/* At most one warning in 10 s while the store fails, not one per handshake. */
	private static final long WARNING_INTERVAL_NANOS = 10_000_000_000L;

	private final PushAuthenticator authenticator;

	private final BanStore bans;

	private final boolean failOpen;

	private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);

	/**
	 * Check the bans of whom an authenticator authenticates.
	 * @param authenticator the application's authenticator
	 * @param bans the bans
	 * @param failOpen whether to admit when the store cannot answer
	 */
	public BanCheck(PushAuthenticator authenticator, BanStore bans, boolean failOpen) {
		this.authenticator = authenticator;
		this.bans = bans;
		this.failOpen = failOpen;
	}

	@Override
	public Mono<PushPrincipal> authenticate(HandshakeRequest request) {
		return this.authenticator.authenticate(request).flatMap(this::check);
	}

	private Mono<PushPrincipal> check(PushPrincipal principal) {
		return this.bans.check(principal).onErrorResume((ex) -> {
			if (this.failOpen) {
				long now = System.nanoTime();
				long last = this.lastWarning.get();
				if (now - last > WARNING_INTERVAL_NANOS && this.lastWarning.compareAndSet(last, now)) {
					logger.warn("Admitting handshakes unchecked while the ban store fails (" + ex + ")");
				}
				return Mono.just(Optional.empty());
			}
			return Mono.error(new HandshakeRejectedException(503, "cannot check bans now; retry"));
		}).flatMap((refusal) -> {
			if (refusal.isEmpty()) {
				return Mono.just(principal);
			}
			return Mono.error((refusal.get() == BanStore.Refusal.BANNED)
					? HandshakeRejectedException.forbidden(BanOperations.BANNED)
					: HandshakeRejectedException.unauthorized(BanOperations.REVOKED));
		});
	}

}
