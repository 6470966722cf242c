package io.pushgateway.core;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Pushes events to connected clients: to a user on all their devices, to several users,
 * to every connection attached to a GUID, to one socket, or to everyone. Implemented by
 * {@code io.pushgateway.hub.PushTemplate}.
 *
 * <p>
 * A payload argument may be a {@link Payload}, a {@code byte[]} (binary), a
 * {@link CharSequence} (text), or any other object, which the configured
 * {@link PayloadEncoder} encodes (JSON by default). A {@link Payload} of JSON or text
 * must be well-formed UTF-8, and one of JSON exactly one JSON value ({@link PushRules}):
 * the returned {@link Mono} fails with a {@link PushRejectedException} otherwise, as it
 * does for an invalid event name or a payload that is too large. Every method is
 * non-blocking: nothing happens until the returned {@link Mono} is subscribed.
 *
 * <p>
 * A push subscribed inside a Spring-managed transaction is sent after the transaction
 * commits and never after a rollback ({@link #immediately()} opts out).
 *
 * @author Push Gateway team
 */
public interface PushOperations {

	/**
	 * Push an event to a target.
	 * @param target who receives it
	 * @param event the event name
	 * @param payload the payload
	 * @return the result, once the push was handed to the local connections and to the
	 * cluster bus
	 */
	Mono<PushResult> push(PushTarget target, String event, Object payload);

	/**
	 * Push an event to every connection of a user.
	 * @param uid the user ID
	 * @param event the event name
	 * @param payload the payload
	 * @return the result
	 */
	default Mono<PushResult> pushToUser(String uid, String event, Object payload) {
		return push(PushTarget.user(uid), event, payload);
	}

	/**
	 * Push an event to every connection of several users.
	 * @param uids the user IDs
	 * @param event the event name
	 * @param payload the payload
	 * @return the result
	 */
	default Mono<PushResult> pushToUsers(Collection<String> uids, String event, Object payload) {
		return push(PushTarget.users(List.copyOf(uids)), event, payload);
	}

	/**
	 * Push an event to every connection attached to a GUID.
	 * @param guid the GUID
	 * @param event the event name
	 * @param payload the payload
	 * @return the result
	 */
	default Mono<PushResult> pushToGuid(String guid, String event, Object payload) {
		return push(PushTarget.guid(guid), event, payload);
	}

	/**
	 * Push an event to one connection.
	 * @param socketId the socket ID
	 * @param event the event name
	 * @param payload the payload
	 * @return the result
	 */
	default Mono<PushResult> pushToSocket(long socketId, String event, Object payload) {
		return push(PushTarget.socket(socketId), event, payload);
	}

	/**
	 * Push an event to a user or a GUID and keep it in the target's recovery stream, so a
	 * client that reconnects with its last position receives it even if it was offline.
	 * Needs {@code push.gateway.recovery.enabled}; fails with a
	 * {@link PushRejectedException} when the recovery store cannot take it, and then
	 * nobody received it.
	 * @param target a user or a GUID
	 * @param event the event name
	 * @param payload the payload
	 * @return the result
	 */
	default Mono<PushResult> pushRecoverable(PushTarget target, String event, Object payload) {
		return Mono.error(new PushRejectedException("recovery is not supported by this PushOperations"));
	}

	/**
	 * Push an event and learn which connections acknowledged it within a timeout,
	 * anywhere in the cluster. Clients see {@code "a":1} in the push frame and answer
	 * with an {@code ack} frame.
	 * @param target who receives it
	 * @param event the event name
	 * @param payload the payload
	 * @param timeout how long to wait for acknowledgements
	 * @return the result, once the timeout passed
	 */
	default Mono<AckResult> pushWithAck(PushTarget target, String event, Object payload, Duration timeout) {
		return pushWithAck(target, event, payload, timeout, null);
	}

	/**
	 * Push an event asking for acknowledgement, reusing the message ID of an earlier
	 * attempt, so a client that got both can drop the duplicate (typically a retry to the
	 * sockets that did not acknowledge).
	 * @param target who receives it
	 * @param event the event name
	 * @param payload the payload
	 * @param timeout how long to wait for acknowledgements
	 * @param messageId the message ID to reuse, or {@code null} for a new one
	 * @return the result, once the timeout passed
	 */
	Mono<AckResult> pushWithAck(PushTarget target, String event, Object payload, Duration timeout,
			@Nullable String messageId);

	/**
	 * Push an event to users and report each user who had no connection anywhere in the
	 * cluster as an {@link UndeliveredPush} ({@code OFFLINE}) to the
	 * {@link UndeliveredListener} beans and, when configured, the undelivered Kafka
	 * topic: once per push and user, cluster-wide. Offline is what the shared registry
	 * knows when the push is issued (a connection opened within the last registry sync
	 * interval may not count yet). Implementations without a fallback push normally.
	 * @param target a user or users (other targets push normally: use
	 * {@link #pushWithAckAndFallback} for them)
	 * @param event the event name
	 * @param payload the payload
	 * @return the result
	 */
	default Mono<PushResult> pushWithFallback(PushTarget target, String event, Object payload) {
		return push(target, event, payload);
	}

	/**
	 * Push an event asking for acknowledgement, and report it as an
	 * {@link UndeliveredPush} ({@code UNACKNOWLEDGED}, one report per user for a push to
	 * several users) when no connection acknowledged it before the timeout, once
	 * cluster-wide. Implementations without a fallback only push with acknowledgement.
	 * @param target who receives it
	 * @param event the event name
	 * @param payload the payload
	 * @param timeout how long to wait for acknowledgements
	 * @return the result, once the timeout passed
	 */
	default Mono<AckResult> pushWithAckAndFallback(PushTarget target, String event, Object payload, Duration timeout) {
		return pushWithAck(target, event, payload, timeout);
	}

	/**
	 * Answer a client's upstream message, wherever in the cluster its socket is
	 * connected, with a {@code reply} frame carrying the message's ID.
	 * @param socketId the socket that sent the message
	 * @param messageId the client's message ID
	 * @param payload the reply payload
	 * @return completes when the reply was written locally or handed to the cluster bus
	 */
	Mono<Void> reply(long socketId, String messageId, Object payload);

	/**
	 * Close the connections of a target on every node of the cluster: a user's (all their
	 * devices), a GUID's members, one socket, or everyone's. Each connection is closed
	 * with the code and reason given, which tell the client whether to reconnect
	 * ({@link DisconnectCodes}); a client that reconnects is admitted as usual (to keep a
	 * user out, refuse them in the {@code PushAuthenticator}). Connections on other nodes
	 * close when the cluster bus carries the disconnect there, within a second on a
	 * healthy bus.
	 * @param target whose connections to close
	 * @param code the close code: {@link DisconnectCodes#RECONNECT},
	 * {@link DisconnectCodes#DO_NOT_RECONNECT}, or the application's own from 4500 to
	 * 4999
	 * @param reason the close reason the client sees, at most 123 UTF-8 bytes
	 * @return completes when this node's connections were closed and the disconnect was
	 * handed to the cluster bus; fails with {@link PushRejectedException} for an invalid
	 * code or reason
	 */
	Mono<Void> disconnect(PushTarget target, int code, String reason);

	/**
	 * Close the connections of a target opened with one credential, on every node: those
	 * whose token has this ID ({@code jti}), or, for connections that Spring Security
	 * authenticated by a web session, those opened under this session (a logout closes
	 * them so). Unlike a revocation nothing is remembered: a handshake with the
	 * credential is admitted as usual.
	 * @param target whose connections to look at: a user's, or everyone's when the user
	 * is not known
	 * @param credentialId the token's ID or the session's ID
	 * @param code the close code ({@link DisconnectCodes})
	 * @param reason the close reason the client sees, at most 123 UTF-8 bytes
	 * @return completes when this node's connections were closed and the disconnect was
	 * handed to the cluster bus
	 */
	default Mono<Void> disconnectCredential(PushTarget target, String credentialId, int code, String reason) {
		return Mono.error(new UnsupportedOperationException(
				"disconnecting by credential is not supported by " + getClass().getName()));
	}

	/**
	 * Push an event to every connection.
	 * @param event the event name
	 * @param payload the payload
	 * @return the result
	 */
	default Mono<PushResult> broadcast(String event, Object payload) {
		return push(PushTarget.all(), event, payload);
	}

	/**
	 * Pushes made idempotent by a key: the first push issued through the returned
	 * operations with this key is issued; another with the same key, through any node,
	 * within {@code push.gateway.idempotency.window}, is not issued again and gets the
	 * first push's message ID (with {@code localDeliveries} 0 and nobody acknowledged). A
	 * caller that timed out can retry without creating a duplicate. While the first is
	 * still being issued, a retry waits for it, at most five seconds, then fails with
	 * {@link PushInProgressException}; when the first fails, the key is forgotten and a
	 * retry issues the push. Use one key per push: what a key is reused for is not
	 * compared.
	 * @param idempotencyKey 1 to 255 printable ASCII characters
	 * @return the operations that issue a push for this key at most once
	 * @throws PushRejectedException when the key is not valid
	 */
	default PushOperations once(String idempotencyKey) {
		throw new UnsupportedOperationException("idempotent pushes are not supported by " + getClass().getName());
	}

	/**
	 * Pushes that go out when subscribed even inside a transaction. By default a push
	 * subscribed on a thread running a Spring-managed transaction
	 * ({@code @Transactional}, {@code TransactionTemplate}) is held until the transaction
	 * commits, and never sent if it rolls back: its {@link Mono} completes at once with
	 * the message ID and no local deliveries. An acknowledged push cannot wait for a
	 * commit (its result is the acks) and fails with {@link PushRejectedException} there;
	 * issue it through these operations, or after the commit. Configured by
	 * {@code push.gateway.transactions.enabled}.
	 * @return the operations that never wait for a transaction
	 */
	default PushOperations immediately() {
		return this;
	}

}
