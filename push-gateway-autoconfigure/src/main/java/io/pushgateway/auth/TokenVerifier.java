package io.pushgateway.auth;

import io.pushgateway.spi.PushPrincipal;
import reactor.core.publisher.Mono;

/**
 * Verifies a bearer token and reads the principal from it. The gateway's own verifier
 * checks an HMAC secret or a PEM public key ({@link JwtTokenVerifier}); an application
 * with Spring Security's {@code ReactiveJwtDecoder} (JWKS) gets
 * {@link JwtDecoderTokenVerifier}; any {@code TokenVerifier} bean replaces both.
 *
 * @author Push Gateway team
 */
@FunctionalInterface
public interface TokenVerifier {

	/**
	 * Verify a token, without blocking: a verifier that needs I/O (fetching a key set)
	 * does it reactively.
	 * @param token the token
	 * @return the principal, or an error: a
	 * {@link io.pushgateway.spi.HandshakeRejectedException} when the token is invalid
	 * ({@code 401}) or cannot be verified now ({@code 503})
	 */
	Mono<PushPrincipal> verify(String token);

}
