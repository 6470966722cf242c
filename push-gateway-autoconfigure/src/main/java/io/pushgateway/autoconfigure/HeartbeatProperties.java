package io.pushgateway.autoconfigure;

import java.time.Duration;

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

}
