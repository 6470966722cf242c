package io.pushgateway.core;

/**
 * Application code told about presence transitions ({@link PresenceEvent}) when
 * {@code push.gateway.presence.enabled} is set. Each transition reaches the listener
 * beans of exactly one node of the cluster (the node whose registry write or check
 * observed it), in the order that node observed them, on a worker thread rather than an
 * event loop. A listener that blocks delays the events after it.
 *
 * @author Push Gateway team
 */
@FunctionalInterface
public interface PresenceListener {

	/**
	 * A transition happened.
	 * @param event the transition
	 */
	void onPresence(PresenceEvent event);

}
