package io.pushgateway.autoconfigure;

import java.time.Duration;

/**
 * Settings of the session registry, under {@code push.gateway.registry}.
 *
 * @author Push Gateway team
 */
public class RegistryProperties {

	/**
	 * Where sessions are kept: 'in-memory' for a single node, 'redis' for a cluster.
	 */
	private RegistryType type = RegistryType.IN_MEMORY;

	/**
	 * Prefix of every Redis key of the registry and of the Redis bus channel.
	 */
	private String keyPrefix = "ws";

	/**
	 * Interval at which queued session changes are written to Redis.
	 */
	private Duration syncInterval = Duration.ofMillis(100);

	/**
	 * Maximum session changes written in one round trip.
	 */
	private int maxBatch = 500;

	/**
	 * Maximum session changes queued while Redis is slow or down. Beyond it the queue is
	 * dropped and the node rewrites all of its sessions once Redis answers.
	 */
	private int maxQueued = 100_000;

	/**
	 * Interval at which last-seen times, kept in memory, are written to Redis.
	 */
	private Duration lastSeenSyncInterval = Duration.ofSeconds(30);

	/**
	 * Interval at which a node records in Redis that it is alive, and sweeps dead nodes.
	 */
	private Duration nodeHeartbeatInterval = Duration.ofSeconds(5);

	/**
	 * Time without a heartbeat after which a node counts as dead and its sessions are
	 * removed. Ghosts of a killed node disappear within this plus one heartbeat interval.
	 */
	private Duration nodeTimeout = Duration.ofSeconds(20);

	/**
	 * Maximum time one Redis call of the registry may take.
	 */
	private Duration commandTimeout = Duration.ofSeconds(5);

	/**
	 * Whether the application's Lettuce client rejects commands while disconnected from
	 * Redis instead of buffering them without bound, so the registry and the bus fail
	 * fast and recover. Lettuce has one such setting per client, so it applies to every
	 * use of Redis through Spring Boot's connection factory.
	 */
	private boolean rejectCommandsWhileDisconnected = true;

	public RegistryType getType() {
		return this.type;
	}

	public void setType(RegistryType type) {
		this.type = type;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Duration getSyncInterval() {
		return this.syncInterval;
	}

	public void setSyncInterval(Duration syncInterval) {
		this.syncInterval = syncInterval;
	}

	public int getMaxBatch() {
		return this.maxBatch;
	}

	public void setMaxBatch(int maxBatch) {
		this.maxBatch = maxBatch;
	}

	public int getMaxQueued() {
		return this.maxQueued;
	}

	public void setMaxQueued(int maxQueued) {
		this.maxQueued = maxQueued;
	}

	public Duration getLastSeenSyncInterval() {
		return this.lastSeenSyncInterval;
	}

	public void setLastSeenSyncInterval(Duration lastSeenSyncInterval) {
		this.lastSeenSyncInterval = lastSeenSyncInterval;
	}

	public Duration getNodeHeartbeatInterval() {
		return this.nodeHeartbeatInterval;
	}

	public void setNodeHeartbeatInterval(Duration nodeHeartbeatInterval) {
		this.nodeHeartbeatInterval = nodeHeartbeatInterval;
	}

	public Duration getNodeTimeout() {
		return this.nodeTimeout;
	}

	public void setNodeTimeout(Duration nodeTimeout) {
		this.nodeTimeout = nodeTimeout;
	}

	public Duration getCommandTimeout() {
		return this.commandTimeout;
	}

	public boolean isRejectCommandsWhileDisconnected() {
		return this.rejectCommandsWhileDisconnected;
	}

	public void setRejectCommandsWhileDisconnected(boolean rejectCommandsWhileDisconnected) {
		this.rejectCommandsWhileDisconnected = rejectCommandsWhileDisconnected;
	}

	public void setCommandTimeout(Duration commandTimeout) {
		this.commandTimeout = commandTimeout;
	}

	/**
	 * Where sessions are kept.
	 */
	public enum RegistryType {

		/**
		 * In this node's memory: a single node.
		 */
		IN_MEMORY,

		/**
		 * In Redis, shared by every node of a cluster.
		 */
		REDIS

	}

}
