package io.pushgateway.hub;

/**
 * The codes of {@code error} frames, which answer one client frame and leave the
 * connection open. Documented in {@code docs/protocol.md}.
 *
 * @author Push Gateway team
 */
public final class ErrorCodes {

	/** A frame type this server does not know. */
	public static final int UNKNOWN_TYPE = 4400;

	/** The application did not allow a join. */
	public static final int JOIN_DENIED = 4403;

	/** No upstream handler handles the message's event. */
	public static final int NO_HANDLER = 4404;

	/** The connection is attached to the maximum number of GUIDs. */
	public static final int TOO_MANY_GUIDS = 4413;

	/** Too many upstream messages of this connection await their handler. */
	public static final int TOO_MANY_IN_FLIGHT = 4429;

	/**
	 * The user sent more messages than their per-user rate allows, over all their
	 * connections on every node: the message was not handed to a handler.
	 */
	public static final int USER_RATE_LIMITED = 4430;

	/**
	 * A refreshed credential was refused (invalid, expired or revoked): the connection
	 * keeps its current one, and ends when that expires.
	 */
	public static final int REFRESH_REFUSED = 4401;

	/** The upstream handler failed. */
	public static final int HANDLER_FAILED = 4500;

	/** Missed pushes are no longer kept: the client must resynchronize. */
	public static final int UNRECOVERABLE = 4410;

	/** The message could not be handed to the business services (Kafka unavailable). */
	public static final int UPSTREAM_UNAVAILABLE = 4503;

	/** The upstream handler did not answer in time. */
	public static final int HANDLER_TIMEOUT = 4504;

	private ErrorCodes() {
	}

}
