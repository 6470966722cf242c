package io.pushgateway.autoconfigure;

import java.time.Duration;

/**
 * Settings of the HTTP long-polling fallback, under {@code push.gateway.polling}.
 *
 * @author Push Gateway team
 */
public class PollingProperties {

	/**
	 * Whether to serve the HTTP long-polling fallback for clients that cannot open a
	 * WebSocket.
	 */
	private boolean enabled = true;

	/**
	 * Base path of the long-polling endpoints.
	 */
	private String path = "/ws/poll";

	/**
	 * How long a poll waits for frames before it returns an empty batch. Capped at half
	 * the heartbeat timeout, since a waiting poll is the session's heartbeat.
	 */
	private Duration hold = Duration.ofSeconds(25);

	/**
	 * How long a closed session is remembered so that the client's next poll learns its
	 * close code.
	 */
	private Duration linger = Duration.ofSeconds(30);

	/**
	 * How long a node waits, on top of the hold time, for the answer to a poll it relayed
	 * to the node holding the session.
	 */
	private Duration relayTimeout = Duration.ofSeconds(5);

	/**
	 * Maximum relayed polls waiting at once on one node; further polls get 503.
	 */
	private int maxRelayedPolls = 10_000;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public Duration getHold() {
		return this.hold;
	}

	public void setHold(Duration hold) {
		this.hold = hold;
	}

	public Duration getLinger() {
		return this.linger;
	}

	public void setLinger(Duration linger) {
		this.linger = linger;
	}

	public Duration getRelayTimeout() {
		return this.relayTimeout;
	}

	public void setRelayTimeout(Duration relayTimeout) {
		this.relayTimeout = relayTimeout;
	}

	public int getMaxRelayedPolls() {
		return this.maxRelayedPolls;
	}

	public void setMaxRelayedPolls(int maxRelayedPolls) {
		this.maxRelayedPolls = maxRelayedPolls;
	}

}
