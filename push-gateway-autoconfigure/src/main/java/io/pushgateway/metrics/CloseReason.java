package io.pushgateway.metrics;

import java.util.Locale;

/**
 * Why the server closed a connection: the tag values of {@code push.gateway.closes}, one
 * per documented close code, so code, dashboards and docs name the same reasons.
 *
 * @author Push Gateway team
 */
public enum CloseReason {

	/** The outbound queue overflowed ({@code 4002}). */
	SLOW_CONSUMER,

	/** Nothing arrived within the heartbeat timeout ({@code 4001}). */
	HEARTBEAT_TIMEOUT,

	/** A newer connection of the same user took its place ({@code 4003}). */
	REPLACED,

	/** A frame that is not a valid envelope ({@code 4000}). */
	MALFORMED_FRAME,

	/** A binary frame on a text protocol or the reverse ({@code 1003}). */
	UNSUPPORTED_DATA,

	/** A text frame that is not UTF-8 ({@code 1007}). */
	INVALID_PAYLOAD,

	/** A frame above the size limit ({@code 1009}). */
	MESSAGE_TOO_BIG,

	/** Invalid WebSocket framing ({@code 1002}). */
	PROTOCOL_ERROR,

	/** Over a per-connection rate limit ({@code 4008}). */
	RATE_LIMITED,

	/** The credential expired ({@code 4004}). */
	TOKEN_EXPIRED,

	/** A refreshed credential named another user ({@code 4007}). */
	CREDENTIAL_MISMATCH,

	/**
	 * Another close the server made for the client, such as a shutdown ({@code 1012}).
	 */
	CLIENT,

	/**
	 * The application disconnected the connection ({@code PushOperations.disconnect}:
	 * 4005, 4006 or its own code).
	 */
	DISCONNECTED;

	/**
	 * The metric tag value.
	 * @return the name in lower case
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
