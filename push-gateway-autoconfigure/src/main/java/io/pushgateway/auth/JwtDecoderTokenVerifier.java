package io.pushgateway.auth;

import java.time.Duration;
import java.util.List;

import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.PushPrincipal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Verifies tokens with the application's Spring Security {@link ReactiveJwtDecoder}, the
 * one Spring Boot builds from
 * {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri} or {@code issuer-uri}:
 * keys from the identity provider's JWKS (fetched without blocking, refetched when a
 * token names a key the cached set lacks, so rotation needs no restart), RS256, ES256 and
 * the other algorithms it allows, and its validators (expiry, and issuer and audiences
 * when configured). The gateway's own issuer and audience, when set, are checked as well.
 *
 * <p>
 * A token the decoder refuses ({@link BadJwtException}) is {@code 401}; any other
 * failure, such as a key set that cannot be fetched, is {@code 503}, so clients retry
 * instead of asking their user to sign in again.
 *
 * @author Push Gateway team
 */
public final class JwtDecoderTokenVerifier implements TokenVerifier {

	private static final Log logger = LogFactory.getLog(JwtDecoderTokenVerifier.class);

	private final ReactiveJwtDecoder decoder;

	private final @Nullable String issuer;

	private final @Nullable String audience;

	private final TokenClaims tokenClaims;

	/**
	 * Create a verifier.
	 * @param decoder the application's decoder
	 * @param issuer the issuer tokens must carry, or {@code null} to leave it to the
	 * decoder
	 * @param audience an audience tokens must carry, or {@code null} to leave it to the
	 * decoder
	 * @param uidClaim the claim holding the uid
	 * @param guidsClaim the claim holding the GUIDs
	 * @param clockSkew added to the expiry at which a connection ends
	 */
	public JwtDecoderTokenVerifier(ReactiveJwtDecoder decoder, @Nullable String issuer, @Nullable String audience,
			String uidClaim, String guidsClaim, Duration clockSkew) {
		this.decoder = decoder;
		this.issuer = issuer;
		this.audience = audience;
		this.tokenClaims = new TokenClaims(uidClaim, guidsClaim, clockSkew);
	}

	@Override
	public Mono<PushPrincipal> verify(String token) {
		return Mono.defer(() -> this.decoder.decode(token))
			.onErrorMap((ex) -> !(ex instanceof HandshakeRejectedException), JwtDecoderTokenVerifier::rejection)
			.map(this::principal);
	}

	private static HandshakeRejectedException rejection(Throwable ex) {
		if (ex instanceof BadJwtException) {
			// malformed, a bad signature, an unknown key, or a failed validation; the
			// decoder's message (and Nimbus's inside it) is for the server's log
			if (logger.isDebugEnabled()) {
				logger.debug("Token refused: " + ex.getMessage());
			}
			return HandshakeRejectedException.unauthorized(TokenClaims.INVALID_TOKEN);
		}
		// the key set cannot be fetched ("Could not obtain the keys"), or the decoder
		// failed otherwise: not the client's fault
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		logger.warn("Cannot verify tokens: " + ex.getMessage() + " (" + cause + ")");
		return new HandshakeRejectedException(503, "cannot verify tokens now; retry");
	}

	private PushPrincipal principal(Jwt jwt) {
		if (this.issuer != null && !this.issuer.equals(String.valueOf(jwt.getClaims().get("iss")))) {
			logger.debug("Token refused: wrong issuer");
			throw HandshakeRejectedException.unauthorized(TokenClaims.INVALID_TOKEN);
		}
		if (this.audience != null) {
			List<String> audiences = jwt.getAudience();
			if (audiences == null || !audiences.contains(this.audience)) {
				logger.debug("Token refused: wrong audience");
				throw HandshakeRejectedException.unauthorized(TokenClaims.INVALID_TOKEN);
			}
		}
		return this.tokenClaims.principal(jwt.getClaims(), jwt.getExpiresAt(), null);
	}

}
