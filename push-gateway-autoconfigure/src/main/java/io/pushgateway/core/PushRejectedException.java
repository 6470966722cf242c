package io.pushgateway.core;

/**
 * Signals that the gateway refused a push: the event name is invalid, the payload is too
 * large, or the node is overloaded.
 *
 * @author Push Gateway team
 */
public class PushRejectedException extends RuntimeException {

	public PushRejectedException(String message) {
		super(message);
	}

}
