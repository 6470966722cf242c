package io.pushgateway.core;

/**
 * Signals that this node refused a push because its event loops are too far behind; the
 * caller may retry later. The HTTP push API answers it with {@code 503}.
 *
 * @author Push Gateway team
 */
public class NodeOverloadedException extends PushRejectedException {

	public NodeOverloadedException(String message) {
		super(message);
	}

}
