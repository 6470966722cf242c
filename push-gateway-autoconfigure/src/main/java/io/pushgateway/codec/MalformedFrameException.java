package io.pushgateway.codec;

/**
 * Signals a client frame that is not a valid envelope of the negotiated protocol.
 *
 * @author Push Gateway team
 */
public class MalformedFrameException extends RuntimeException {

	public MalformedFrameException(String message) {
		super(message, null, false, false);
	}

	public MalformedFrameException(String message, Throwable cause) {
		super(message, cause, false, false);
	}

}
