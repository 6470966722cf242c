package io.pushgateway.hub;

/**
 * The WebSocket close codes the gateway uses, documented in {@code docs/protocol.md}.
 *
 * @author Push Gateway team
 */
public final class CloseCodes {

	/** Normal closure. */
	public static final int NORMAL = 1000;

	/** Invalid WebSocket framing. */
	public static final int PROTOCOL_ERROR = 1002;

	/** A text frame on a binary protocol or a binary frame on a text protocol. */
	public static final int UNSUPPORTED_DATA = 1003;

	/** A text frame that is not valid UTF-8. */
	public static final int INVALID_PAYLOAD = 1007;

	/** A frame or message above the configured maximum size. */
	public static final int MESSAGE_TOO_BIG = 1009;

	/** An unexpected server error on this connection. */
	public static final int INTERNAL_ERROR = 1011;

	/** The node is shutting down; reconnect, to another node if there is one. */
	public static final int SERVICE_RESTART = 1012;

	/** A frame that is not a valid envelope of the negotiated protocol. */
	public static final int MALFORMED_FRAME = 4000;

	/** Nothing received within the heartbeat timeout. */
	public static final int HEARTBEAT_TIMEOUT = 4001;

	/** The client did not read fast enough and its outbound queue overflowed. */
	public static final int SLOW_CONSUMER = 4002;

	/** The user opened more connections than allowed; this one was the oldest. */
	public static final int REPLACED = 4003;

	/** The credential the connection was opened with expired. */
	public static final int TOKEN_EXPIRED = 4004;

	/** A refreshed credential named another user than the connection's. */
	public static final int CREDENTIAL_MISMATCH = 4007;

	/** The client sent more messages or bytes per second than allowed. */
	public static final int RATE_LIMITED = 4008;

	private CloseCodes() {
	}

}
