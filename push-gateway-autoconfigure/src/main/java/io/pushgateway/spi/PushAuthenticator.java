package io.pushgateway.spi;

import reactor.core.publisher.Mono;

/**
 * Decides who is connecting, before the WebSocket upgrade (or the first long-poll). An
 * empty result rejects the handshake with {@code 401}; a
 * {@link HandshakeRejectedException} rejects it with its own status. Runs on an event
 * loop, so it must not block.
 *
 * @author Push Gateway team
 */
@FunctionalInterface
public interface PushAuthenticator {

	/**
	 * Authenticate a handshake.
	 * @param request the handshake request
	 * @return the principal, or empty to reject
	 */
	Mono<PushPrincipal> authenticate(HandshakeRequest request);

}
