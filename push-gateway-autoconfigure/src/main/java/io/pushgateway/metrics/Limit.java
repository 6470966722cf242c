package io.pushgateway.metrics;

import java.util.Locale;

/**
 * A limit that refused a request or closed a connection: the tag values of
 * {@code push.gateway.limited}.
 *
 * @author Push Gateway team
 */
public enum Limit {

	/** Frames per second of one connection ({@code 4008}). */
	MESSAGES_PER_SECOND,

	/** Bytes per second of one connection ({@code 4008}). */
	BYTES_PER_SECOND,

	/**
	 * Upstream messages per second of one user, over all their connections on every node
	 * (error {@code 4430}, then {@code 4008}).
	 */
	USER_MESSAGES_PER_SECOND,

	/** Open connections from one address ({@code 429}). */
	CONNECTIONS_PER_IP,

	/** Handshakes per second from one address ({@code 429}). */
	HANDSHAKES_PER_IP,

	/**
	 * Sockets of one address waiting for a request's headers (closed on accept).
	 */
	PENDING_SOCKETS_PER_IP,

	/**
	 * A socket that did not send its request's headers in time (closed).
	 */
	HEADER_TIMEOUT;

	/**
	 * The metric tag value.
	 * @return the name in lower case
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
