package io.pushgateway.spi;

import reactor.core.publisher.Mono;

/**
 * The application's decision whether a user may attach a connection to a GUID, asked for
 * GUIDs requested at handshake ({@code guid} query parameter) and for every {@code join}
 * frame. The default denies every request, so GUID membership is opt-in. Must not block.
 *
 * @author Push Gateway team
 */
@FunctionalInterface
public interface GuidAuthorizer {

	/**
	 * A GUID authorizer that allows every request.
	 */
	GuidAuthorizer ALLOW_ALL = (principal, guid) -> Mono.just(true);

	/**
	 * A GUID authorizer that denies every request.
	 */
	GuidAuthorizer DENY_ALL = (principal, guid) -> Mono.just(false);

	/**
	 * Whether a principal may attach a connection to a GUID.
	 * @param principal who asks
	 * @param guid the GUID
	 * @return {@code true} to allow
	 */
	Mono<Boolean> canJoin(PushPrincipal principal, String guid);

}
