package io.pushgateway.auth;

import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pushgateway.spi.PushPrincipal;
import reactor.core.publisher.Mono;

/**
 * A verifier that remembers the tokens it verified, so that a client that comes back with
 * the token it held (a reconnect storm after a deploy or a network cut) is not verified
 * again: the principal is handed out again until the token expires. Only verified tokens
 * are kept, at most {@code maximumSize} of them (Caffeine's bounded cache decides which
 * go); a refused token is verified again every time. Bans and revocations still apply:
 * they are checked on the principal, after verification.
 * <p>
 * What it saves depends on the signature: little for HMAC tokens, most of a handshake for
 * ES256 ({@code scripts/bench.sh tokens}, docs/performance.md).
 *
 * @author Push Gateway team
 */
public final class CachingTokenVerifier implements TokenVerifier {

	private final TokenVerifier delegate;

	private final Cache<String, PushPrincipal> verified;

	/**
	 * Remember what a verifier verified.
	 * @param delegate the verifier
	 * @param maximumSize how many verified tokens to keep at most
	 * @param timeToLive how long to keep one at most (never past the token's expiry)
	 */
	public CachingTokenVerifier(TokenVerifier delegate, long maximumSize, Duration timeToLive) {
		this.delegate = delegate;
		this.verified = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(timeToLive).build();
	}

	@Override
	public Mono<PushPrincipal> verify(String token) {
		PushPrincipal known = this.verified.getIfPresent(token);
		if (known != null) {
			Instant expiresAt = known.expiresAt();
			if (expiresAt == null || Instant.now().isBefore(expiresAt)) {
				return Mono.just(known);
			}
			// expired: the verifier refuses it, with its own reason
			this.verified.invalidate(token);
		}
		return this.delegate.verify(token).doOnNext((principal) -> this.verified.put(token, principal));
	}

}
