package io.pushgateway.spi;

/**
 * Thrown (or signalled) by an {@link PushAuthenticator} to reject a connection attempt
 * with an HTTP status, {@code 401} for missing or invalid credentials and {@code 403} for
 * a credential that is valid but not allowed.
 *
 * @author Push Gateway team
 */
public class HandshakeRejectedException extends RuntimeException {

	private final int status;

	public HandshakeRejectedException(int status, String message) {
		super(message);
		this.status = status;
	}

	/**
	 * A {@code 401 Unauthorized} rejection.
	 * @param message why
	 * @return the exception
	 */
	public static HandshakeRejectedException unauthorized(String message) {
		return new HandshakeRejectedException(401, message);
	}

	/**
	 * A {@code 403 Forbidden} rejection.
	 * @param message why
	 * @return the exception
	 */
	public static HandshakeRejectedException forbidden(String message) {
		return new HandshakeRejectedException(403, message);
	}

	/**
	 * The HTTP status of the rejection.
	 * @return the status
	 */
	public int getStatus() {
		return this.status;
	}

}
