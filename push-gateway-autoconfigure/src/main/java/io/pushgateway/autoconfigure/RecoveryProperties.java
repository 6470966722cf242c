package io.pushgateway.autoconfigure;

import java.time.Duration;

/**
 * Settings of recoverable pushes, under {@code push.gateway.recovery}.
 *
 * @author Push Gateway team
 */
public class RecoveryProperties {

	/**
	 * Whether pushes can be made recoverable: kept in a bounded stream per user and per
	 * GUID (in Redis with the Redis registry, in memory otherwise) and replayed to
	 * clients that reconnect with their last position.
	 */
	private boolean enabled = false;

	/**
	 * Whether every push to a user or a GUID is recoverable, not only those sent with
	 * pushRecoverable.
	 */
	private boolean allPushes = false;

	/**
	 * Maximum pushes kept per stream; also the most a reconnecting client is sent.
	 */
	private int maxLength = 1000;

	/**
	 * Maximum age of a kept push; idle streams disappear after twice this.
	 */
	private Duration maxAge = Duration.ofMinutes(10);

	/**
	 * How long a recoverable push that arrived ahead of its predecessor waits on a
	 * connection for it, before the gap is read from the stream.
	 */
	private Duration gapTimeout = Duration.ofMillis(500);

	public Duration getGapTimeout() {
		return this.gapTimeout;
	}

	public void setGapTimeout(Duration gapTimeout) {
		this.gapTimeout = gapTimeout;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isAllPushes() {
		return this.allPushes;
	}

	public void setAllPushes(boolean allPushes) {
		this.allPushes = allPushes;
	}

	public int getMaxLength() {
		return this.maxLength;
	}

	public void setMaxLength(int maxLength) {
		this.maxLength = maxLength;
	}

	public Duration getMaxAge() {
		return this.maxAge;
	}

	public void setMaxAge(Duration maxAge) {
		this.maxAge = maxAge;
	}

}
