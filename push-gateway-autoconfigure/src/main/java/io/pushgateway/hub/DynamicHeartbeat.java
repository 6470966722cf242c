package io.pushgateway.hub;

import io.pushgateway.codec.ServerFrame;
import io.pushgateway.metrics.GatewayMetrics;

/**
 * Longer heartbeat intervals for stable WebSocket connections (seed 000): a connection
 * that has kept its heartbeat for {@code promoteAfter} at its interval gets twice the
 * interval, up to {@code maxInterval}, announced in an {@code hb} frame the client
 * follows; one whose next beat is late by half an interval drops back to the base
 * interval at once. A reconnect starts over at the base interval. The heartbeat timeout
 * grows with the interval (the base ratio of timeout to interval is kept). Decided in the
 * node's idle sweep, so frames cost nothing extra; long-polling sessions keep the base
 * interval (their polls are the heartbeat).
 *
 * @param enabled whether intervals change at all
 * @param baseMillis the base interval, announced in every {@code welcome}
 * @param maxMillis the longest interval
 * @param promoteAfterMillis how long a connection keeps its beat before its interval
 * doubles
 * @author Push Gateway team
 */
public record DynamicHeartbeat(boolean enabled, long baseMillis, long maxMillis, long promoteAfterMillis) {

	/**
	 * A fixed interval.
	 * @param baseMillis the interval
	 * @return the settings
	 */
	public static DynamicHeartbeat fixed(long baseMillis) {
		return new DynamicHeartbeat(false, baseMillis, baseMillis, Long.MAX_VALUE);
	}

	/**
	 * The heartbeat timeout of a connection, scaled with its interval.
	 * @param connection the connection
	 * @param timeoutMillis the timeout at the base interval
	 * @return the connection's timeout
	 */
	long timeoutOf(PushConnection connection, long timeoutMillis) {
		int interval = connection.heartbeat().millis();
		return (interval == 0) ? timeoutMillis : timeoutMillis * interval / this.baseMillis;
	}

	/**
	 * Lengthen the interval of a connection that kept its beat, shorten that of one that
	 * is late; called by the idle sweep.
	 * @param connection the connection
	 * @param now the time, in epoch milliseconds
	 * @param metrics counts the changes
	 */
	void check(PushConnection connection, long now, GatewayMetrics metrics) {
		if (!this.enabled || !"websocket".equals(connection.transport())) {
			return;
		}
		int current = connection.heartbeat().millis();
		long interval = (current == 0) ? this.baseMillis : current;
		if (current != 0 && now - connection.lastSeen() > interval + interval / 2) {
			// a beat is late: back to the base interval
			announce(connection, this.baseMillis, now);
			metrics.heartbeatChanged("shorter");
		}
		else if (interval < this.maxMillis && now - connection.heartbeat().since() >= this.promoteAfterMillis) {
			announce(connection, Math.min(this.maxMillis, interval * 2), now);
			metrics.heartbeatChanged("longer");
		}
	}

	private void announce(PushConnection connection, long interval, long now) {
		connection.heartbeat().change((interval == this.baseMillis) ? 0 : (int) interval, now);
		connection.send(new ServerFrame.Heartbeat(interval));
	}

}
