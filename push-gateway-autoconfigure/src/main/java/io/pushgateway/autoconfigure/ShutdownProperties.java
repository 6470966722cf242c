package io.pushgateway.autoconfigure;

import java.time.Duration;

/**
 * Settings of graceful shutdown, under {@code push.gateway.shutdown}.
 *
 * @author Push Gateway team
 */
public class ShutdownProperties {

	/**
	 * Time to wait, after telling clients to reconnect, for connections to close.
	 */
	private Duration timeout = Duration.ofSeconds(10);

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

}
