package io.pushgateway.core;

import reactor.core.publisher.Mono;

/**
 * Attach connections to a GUID, or detach them, from the server: what a Socket.IO server
 * does with {@code socket.join(room)}. Clients join by themselves too (a {@code join}
 * frame, checked by the {@code GuidAuthorizer}, or the token's {@code guids} claim); an
 * attachment made here is not checked, lasts as long as the connection, and is not
 * repeated when the client reconnects. See {@code docs/protocol.md}.
 *
 * @author Push Gateway team
 */
public interface GuidOperations {

	/**
	 * Attach connections to a GUID, on whichever nodes hold them: every connection of a
	 * user ({@link PushTarget#user}) or one socket ({@link PushTarget#socket}). Each is
	 * sent a {@code joined} frame with an empty {@code id}.
	 * @param target a user or a socket
	 * @param guid the GUID
	 * @return completes once the nodes holding the connections were told (connections
	 * that opened in the last registry sync interval may be missed)
	 */
	Mono<Void> attach(PushTarget target, String guid);

	/**
	 * Detach connections from a GUID, on whichever nodes hold them.
	 * @param target a user or a socket
	 * @param guid the GUID
	 * @return completes once the nodes holding the connections were told
	 */
	Mono<Void> detach(PushTarget target, String guid);

}
