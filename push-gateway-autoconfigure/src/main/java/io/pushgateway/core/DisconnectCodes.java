package io.pushgateway.core;

import java.nio.charset.StandardCharsets;

/**
 * The close codes an application may disconnect clients with
 * ({@link PushOperations#disconnect(PushTarget, int, String)}), and what each tells a
 * client: reconnect, or stay away. Clients decide by the code alone, as
 * {@code docs/protocol.md} documents; the gateway's JavaScript client honours it.
 * <ul>
 * <li>{@value #RECONNECT}: disconnected by the server, reconnect (with backoff; for
 * example after the application changed what the user may see);</li>
 * <li>{@value #DO_NOT_RECONNECT}: disconnected by the server, do not reconnect on your
 * own (for example the user was banned or logged out);</li>
 * <li>{@value #MIN_APPLICATION_CODE} to {@value #LAST_RECONNECT_CODE}: the application's
 * own codes that reconnect;</li>
 * <li>{@value #FIRST_TERMINAL_CODE} to {@value #MAX_APPLICATION_CODE}: the application's
 * own codes that do not.</li>
 * </ul>
 *
 * @author Push Gateway team
 */
public final class DisconnectCodes {

	/** Disconnected by the server: reconnect. */
	public static final int RECONNECT = 4005;

	/** Disconnected by the server: do not reconnect. */
	public static final int DO_NOT_RECONNECT = 4006;

	/** The first of the application's own codes; those up to 4749 reconnect. */
	public static final int MIN_APPLICATION_CODE = 4500;

	/** The last of the application's own codes that reconnect. */
	public static final int LAST_RECONNECT_CODE = 4749;

	/** The first of the application's own codes that do not reconnect. */
	public static final int FIRST_TERMINAL_CODE = 4750;

	/** The last of the application's own codes. */
	public static final int MAX_APPLICATION_CODE = 4999;

	/** The longest reason, in UTF-8 bytes: what a WebSocket close frame carries. */
	public static final int MAX_REASON_BYTES = 123;

	private DisconnectCodes() {
	}

	/**
	 * Whether a code may be used to disconnect.
	 * @param code the code
	 * @return {@code true} for {@value #RECONNECT}, {@value #DO_NOT_RECONNECT} and
	 * {@value #MIN_APPLICATION_CODE} to {@value #MAX_APPLICATION_CODE}
	 */
	public static boolean isValid(int code) {
		return code == RECONNECT || code == DO_NOT_RECONNECT
				|| (code >= MIN_APPLICATION_CODE && code <= MAX_APPLICATION_CODE);
	}

	/**
	 * Whether a client disconnected with a code should reconnect.
	 * @param code a valid code
	 * @return {@code true} for {@value #RECONNECT} and {@value #MIN_APPLICATION_CODE} to
	 * {@value #LAST_RECONNECT_CODE}
	 */
	public static boolean reconnects(int code) {
		return code == RECONNECT || (code >= MIN_APPLICATION_CODE && code <= LAST_RECONNECT_CODE);
	}

	/**
	 * Check a disconnect's code and reason.
	 * @param code the code
	 * @param reason the reason
	 * @throws PushRejectedException when the code is not one of these, or the reason is
	 * longer than {@value #MAX_REASON_BYTES} UTF-8 bytes
	 */
	public static void check(int code, String reason) {
		if (!isValid(code)) {
			throw new PushRejectedException("disconnect code " + code + " is not " + RECONNECT + ", " + DO_NOT_RECONNECT
					+ " or between " + MIN_APPLICATION_CODE + " and " + MAX_APPLICATION_CODE);
		}
		if (reason.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
			throw new PushRejectedException("disconnect reason longer than " + MAX_REASON_BYTES + " UTF-8 bytes");
		}
	}

}
