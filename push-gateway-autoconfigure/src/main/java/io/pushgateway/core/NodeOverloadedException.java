package io.pushgateway.core;

/**
 * Signals that this node refused a push because its event loops are too far behind, or
 * because a store the push needs (the idempotency store) is unavailable; nothing was
 * issued and the caller may retry later. The HTTP push API answers it with {@code 503}.
 *
 * @author Push Gateway team
 */
public class NodeOverloadedException extends PushRejectedException {

	public NodeOverloadedException(String message) {
		super(message);
	}

}
