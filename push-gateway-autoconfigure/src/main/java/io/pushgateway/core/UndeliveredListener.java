package io.pushgateway.core;

/**
 * Application code told about pushes that asked for a fallback and reached nobody
 * ({@link UndeliveredPush}): pushes sent with {@link PushOperations#pushWithFallback} or
 * {@link PushOperations#pushWithAckAndFallback}, or every push when
 * {@code push.gateway.undelivered.all-pushes} is set. Called once per undelivered push
 * cluster-wide, on the node that issued it, on a worker thread rather than an event loop.
 *
 * @author Push Gateway team
 */
@FunctionalInterface
public interface UndeliveredListener {

	/**
	 * A push reached nobody.
	 * @param push the push and why
	 */
	void onUndelivered(UndeliveredPush push);

}
