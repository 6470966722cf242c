package io.pushgateway.auth;

import io.pushgateway.spi.PushPrincipal;

/**
 * Verifies a bearer token and reads the principal from it.
 *
 * @author Push Gateway team
 */
@FunctionalInterface
public interface TokenVerifier {

	/**
	 * Verify a token.
	 * @param token the token
	 * @return the principal
	 * @throws io.pushgateway.spi.HandshakeRejectedException when the token is invalid
	 */
	PushPrincipal verify(String token);

}
