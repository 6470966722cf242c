package io.pushgateway.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Settings of heartbeats and idle connections, under {@code push.gateway.heartbeat}.
 *
 * @author Push Gateway team
 */
public class HeartbeatProperties {

	/**
	 * Interval at which clients are told to send a ping.
	 */
	private Duration interval = Duration.ofSeconds(25);

	/**
	 * Time without any frame from a client after which its connection is closed (close
	 * code 4001).
	 */
	private Duration timeout = Duration.ofSeconds(60);

	@NestedConfigurationProperty
	private final Dynamic dynamic = new Dynamic();

	public Dynamic getDynamic() {
		return this.dynamic;
	}

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	/**
	 * Longer heartbeat intervals for stable WebSocket connections.
	 */
	public static class Dynamic {

		/**
		 * Whether a WebSocket connection that keeps its heartbeat gets a longer interval
		 * (doubled every promote-after, up to max-interval), and a late one the base
		 * interval again; the timeout grows with the interval.
		 */
		private boolean enabled;

		/**
		 * Longest heartbeat interval a stable connection is given.
		 */
		private Duration maxInterval = Duration.ofSeconds(100);

		/**
		 * How long a connection keeps its heartbeat at one interval before the interval
		 * doubles.
		 */
		private Duration promoteAfter = Duration.ofMinutes(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public Duration getPromoteAfter() {
			return this.promoteAfter;
		}

		public void setPromoteAfter(Duration promoteAfter) {
			this.promoteAfter = promoteAfter;
		}

	}

}
