package io.pushgateway.autoconfigure;

import java.time.Duration;

/**
 * Settings of bans and revocations, under {@code push.gateway.bans}.
 *
 * @author Push Gateway team
 */
public class BansProperties {

	/**
	 * Most bans and revocations one node holds without Redis; beyond it a new one is
	 * refused (lapsed ones are forgotten first).
	 */
	private int maxEntries = 100_000;

	/**
	 * How long a revocation of a user's credentials issued before a time is kept; at
	 * least the lifetime of the longest-lived credential.
	 */
	private Duration revocationRetention = Duration.ofDays(30);

	/**
	 * Whether a handshake is admitted when the ban store cannot be asked (Redis down or
	 * slow); false refuses it with 503 instead.
	 */
	private boolean failOpen = true;

	public int getMaxEntries() {
		return this.maxEntries;
	}

	public void setMaxEntries(int maxEntries) {
		this.maxEntries = maxEntries;
	}

	public Duration getRevocationRetention() {
		return this.revocationRetention;
	}

	public void setRevocationRetention(Duration revocationRetention) {
		this.revocationRetention = revocationRetention;
	}

	public boolean isFailOpen() {
		return this.failOpen;
	}

	public void setFailOpen(boolean failOpen) {
		this.failOpen = failOpen;
	}

}
