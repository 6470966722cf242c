package io.pushgateway.autoconfigure;

import java.time.Duration;

/**
 * Settings of idempotent pushes, under {@code push.gateway.idempotency}.
 *
 * @author Push Gateway team
 */
public class IdempotencyProperties {

	/**
	 * How long an idempotency key is remembered after its push: a push with the same key
	 * within it is not issued again (HTTP Idempotency-Key, gRPC idempotency_key,
	 * PushOperations#once, and the X-ID of Kafka push records).
	 */
	private Duration window = Duration.ofHours(1);

	/**
	 * Most keys one node remembers without Redis, and most X-IDs of Kafka push records it
	 * remembers; beyond it the oldest are forgotten first.
	 */
	private int maxKeys = 100_000;

	public Duration getWindow() {
		return this.window;
	}

	public void setWindow(Duration window) {
		this.window = window;
	}

	public int getMaxKeys() {
		return this.maxKeys;
	}

	public void setMaxKeys(int maxKeys) {
		this.maxKeys = maxKeys;
	}

}
