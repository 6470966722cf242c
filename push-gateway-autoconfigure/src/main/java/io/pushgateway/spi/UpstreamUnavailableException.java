package io.pushgateway.spi;

/**
 * Signals that a client message could not be handed to the business services (for
 * example, Kafka is down). The client gets error {@code 4503}; the connection stays open.
 *
 * @author Push Gateway team
 */
public class UpstreamUnavailableException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message the detail message
	 */
	public UpstreamUnavailableException(String message) {
		super(message);
	}

	public UpstreamUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
