package io.pushgateway.auth;

import io.pushgateway.core.DisconnectCodes;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushTarget;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.context.ApplicationListener;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.session.Session;
import org.springframework.session.events.SessionDestroyedEvent;

/**
 * With Spring Session, the end of a session (deleted: a logout that invalidates it;
 * expired) closes the connections opened under it, on every node, with
 * {@code 4006 session ended}. The user is read from the session's security context when
 * the event carries the session, so only that user's connections are looked at; otherwise
 * every connection is. Spring Session's Redis repositories publish these events
 * ({@code RedisIndexedSessionRepository}, {@code ReactiveRedisIndexedSessionRepository}).
 *
 * @author Push Gateway team
 */
public final class SessionEndDisconnects implements ApplicationListener<SessionDestroyedEvent> {

	/** The close reason of a connection whose session ended. */
	public static final String REASON = "session ended";

	private static final String SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";

	private static final Log logger = LogFactory.getLog(SessionEndDisconnects.class);

	private final PushOperations operations;

	private final @Nullable PrincipalMapper mapper;

	/**
	 * Create the listener.
	 * @param operations closes the connections
	 * @param mapper names the user of an authentication, or {@code null} for its name
	 */
	public SessionEndDisconnects(PushOperations operations, @Nullable PrincipalMapper mapper) {
		this.operations = operations;
		this.mapper = mapper;
	}

	@Override
	public void onApplicationEvent(SessionDestroyedEvent event) {
		String sessionId = event.getSessionId();
		target(event)
			.flatMap((target) -> this.operations.disconnectCredential(target, sessionId,
					DisconnectCodes.DO_NOT_RECONNECT, REASON))
			.subscribe(null, (error) -> logger.warn("Could not close the connections of an ended session: " + error));
	}

	private Mono<PushTarget> target(SessionDestroyedEvent event) {
		Authentication authentication = authentication(event);
		if (authentication == null) {
			return Mono.just(PushTarget.all());
		}
		if (this.mapper == null) {
			return Mono.just(PushTarget.user(authentication.getName()));
		}
		return this.mapper.map(authentication)
			.map((principal) -> PushTarget.user(principal.uid()))
			.defaultIfEmpty(PushTarget.all())
			.onErrorReturn(PushTarget.all());
	}

	private static @Nullable Authentication authentication(SessionDestroyedEvent event) {
		Session session = event.getSession();
		Object context = (session != null) ? session.getAttribute(SECURITY_CONTEXT) : null;
		return (context instanceof SecurityContext security) ? security.getAuthentication() : null;
	}

}
