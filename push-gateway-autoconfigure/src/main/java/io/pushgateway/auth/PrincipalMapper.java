package io.pushgateway.auth;

import java.security.Principal;

import io.pushgateway.spi.PushPrincipal;
import reactor.core.publisher.Mono;

/**
 * Turns the principal the application's security authenticated (behind Spring Security's
 * filters) into the connection's identity, so applications that already authenticate
 * their users need no second token scheme. A bean of this type replaces the default,
 * {@link SecurityPrincipalMapper}.
 *
 * @author Push Gateway team
 */
@FunctionalInterface
public interface PrincipalMapper {

	/**
	 * Map a principal.
	 * @param principal the authenticated principal
	 * @return the connection's identity, or empty when this principal does not identify a
	 * user (an anonymous one): the handshake's token is checked instead
	 */
	Mono<PushPrincipal> map(Principal principal);

}
