package io.pushgateway.core;

/**
 * Signals that a push with the same idempotency key is still being issued (through this
 * node or another): retry later to get its result. The HTTP API answers {@code 409}, gRPC
 * {@code ABORTED}.
 *
 * @author Push Gateway team
 */
public class PushInProgressException extends PushRejectedException {

	public PushInProgressException(String message) {
		super(message);
	}

}
