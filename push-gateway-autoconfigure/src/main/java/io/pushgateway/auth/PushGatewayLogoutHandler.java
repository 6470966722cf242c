package io.pushgateway.auth;

import io.pushgateway.core.DisconnectCodes;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.PushPrincipal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.logout.ServerLogoutHandler;
import org.springframework.web.server.WebSession;

/**
 * A Spring Security logout closes the connections opened under the session it ends, on
 * every node, with {@code 4006 logged out}: a connection that Spring Security
 * authenticated by a web session carries the session's ID as its credential's ID. Add it
 * to the chain's logout handlers, first (before the session is invalidated):
 * {@code .logout((logout) -> logout.logoutHandler((handlers) -> handlers.add(0, pushGatewayLogoutHandler)))}.
 * A logout never fails because of the gateway: a failure is logged.
 *
 * @author Push Gateway team
 */
public final class PushGatewayLogoutHandler implements ServerLogoutHandler {

	/** The close reason of a connection whose session was logged out. */
	public static final String REASON = "logged out";

	private static final Log logger = LogFactory.getLog(PushGatewayLogoutHandler.class);

	private final PushOperations operations;

	private final @Nullable PrincipalMapper mapper;

	/**
	 * Create the handler.
	 * @param operations closes the connections
	 * @param mapper names the user of an authentication, or {@code null} for its name
	 */
	public PushGatewayLogoutHandler(PushOperations operations, @Nullable PrincipalMapper mapper) {
		this.operations = operations;
		this.mapper = mapper;
	}

	@Override
	public Mono<Void> logout(WebFilterExchange exchange, @Nullable Authentication authentication) {
		return exchange.getExchange()
			.getSession()
			.filter(WebSession::isStarted)
			.flatMap((session) -> target(authentication).flatMap((target) -> this.operations
				.disconnectCredential(target, session.getId(), DisconnectCodes.DO_NOT_RECONNECT, REASON)))
			.onErrorResume((error) -> {
				logger.warn("Could not close the connections of a logged out session: " + error);
				return Mono.empty();
			});
	}

	private Mono<PushTarget> target(@Nullable Authentication authentication) {
		if (authentication == null) {
			return Mono.just(PushTarget.all());
		}
		Mono<PushPrincipal> principal = (this.mapper != null) ? this.mapper.map(authentication)
				: Mono.just(PushPrincipal.of(authentication.getName()));
		return principal.map((mapped) -> PushTarget.user(mapped.uid())).defaultIfEmpty(PushTarget.all());
	}

}
