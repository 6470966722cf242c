package io.pushgateway.core;

/**
 * What happens to a push for a connection that reads too slowly: its frames no longer fit
 * in the network's buffer and wait in the connection's own queue, bounded by
 * {@code push.gateway.websocket.max-queued-size} together with the network's buffer.
 *
 * @author Push Gateway team
 */
public enum SlowConsumerPolicy {

	/**
	 * The push waits in the queue; when the queue is full the connection is closed with
	 * {@code 4002}. The default: nothing is ever dropped silently.
	 */
	CLOSE,

	/**
	 * The push waits in the queue; when the queue is full the oldest waiting pushes of
	 * this policy are dropped to make room (the new one too if nothing else can go). The
	 * client is told how many it missed in a {@code dropped} frame once it caught up.
	 */
	DROP_OLDEST,

	/**
	 * A push with the same event name as one still waiting replaces it in place: a slow
	 * client gets only the latest value of each event (cursor positions, prices,
	 * progress). A conflated push is not reported to the client. When the queue is full
	 * with no waiting push of the same name to replace, as {@link #DROP_OLDEST}.
	 */
	CONFLATE

}
