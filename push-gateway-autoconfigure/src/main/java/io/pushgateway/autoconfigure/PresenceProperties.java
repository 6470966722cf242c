package io.pushgateway.autoconfigure;

import java.time.Duration;

/**
 * Settings of presence transitions (a user online and offline, a GUID occupied and
 * vacated, a user joining and leaving a GUID), under {@code push.gateway.presence}.
 *
 * @author Push Gateway team
 */
public class PresenceProperties {

	/**
	 * Whether the registry reports presence transitions to PresenceListener beans, each
	 * once cluster-wide. Turn it on for every node of a cluster.
	 */
	private boolean enabled;

	/**
	 * How long a user, GUID or membership may stay without a connection before its loss
	 * is reported; a connection that comes back within it makes the loss and the return
	 * invisible. Zero reports losses at once.
	 */
	private Duration gracePeriod = Duration.ofSeconds(5);

	/**
	 * Whether transitions are also published to the upstream Kafka topic (needs
	 * push.gateway.upstream.kafka.enabled), with X-Event such as presence.online.
	 */
	private boolean upstream;

	/**
	 * Whether a GUID's members receive presence.join and presence.leave pushes when a
	 * user joins or leaves it.
	 */
	private boolean guidMembers;

	/**
	 * The most transitions waiting for the listeners on one node; beyond it new ones are
	 * dropped and counted.
	 */
	private int maxQueued = 10_000;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getGracePeriod() {
		return this.gracePeriod;
	}

	public void setGracePeriod(Duration gracePeriod) {
		this.gracePeriod = gracePeriod;
	}

	public boolean isUpstream() {
		return this.upstream;
	}

	public void setUpstream(boolean upstream) {
		this.upstream = upstream;
	}

	public boolean isGuidMembers() {
		return this.guidMembers;
	}

	public void setGuidMembers(boolean guidMembers) {
		this.guidMembers = guidMembers;
	}

	public int getMaxQueued() {
		return this.maxQueued;
	}

	public void setMaxQueued(int maxQueued) {
		this.maxQueued = maxQueued;
	}

}
