package io.pushgateway.registry.redis;

import java.time.Duration;

/**
 * Settings of the {@link RedisSessionRegistry}.
 *
 * @param keyPrefix the prefix of every key
 * @param nodeId this node's ID
 * @param syncInterval how often queued session changes are written
 * @param maxBatch the most changes written in one round trip
 * @param maxQueued the most changes queued while Redis is slow or down; beyond it the
 * queue is dropped and the node resynchronizes from its hub once Redis answers
 * @param lastSeenSyncInterval how often last-seen times are written
 * @param nodeHeartbeatInterval how often the node records that it is alive
 * @param nodeTimeout after how long without a heartbeat a node's sessions are removed
 * @param maxConnectionsPerUser the cluster-wide per-user limit, or 0
 * @param commandTimeout how long one Redis call may take
 * @param clientAddresses whether the clients' addresses are written, for listings
 * @author Push Gateway team
 */
public record RedisRegistrySettings(String keyPrefix, String nodeId, Duration syncInterval, int maxBatch, int maxQueued,
		Duration lastSeenSyncInterval, Duration nodeHeartbeatInterval, Duration nodeTimeout, int maxConnectionsPerUser,
		Duration commandTimeout, boolean clientAddresses) {

	/**
	 * Settings that write no client addresses.
	 * @param keyPrefix the prefix of every key
	 * @param nodeId this node's ID
	 * @param syncInterval how often queued session changes are written
	 * @param maxBatch the most changes written in one round trip
	 * @param maxQueued the most changes queued while Redis is slow or down
	 * @param lastSeenSyncInterval how often last-seen times are written
	 * @param nodeHeartbeatInterval how often the node records that it is alive
	 * @param nodeTimeout after how long without a heartbeat a node's sessions are removed
	 * @param maxConnectionsPerUser the cluster-wide per-user limit, or 0
	 * @param commandTimeout how long one Redis call may take
	 */
	public RedisRegistrySettings(String keyPrefix, String nodeId, Duration syncInterval, int maxBatch, int maxQueued,
			Duration lastSeenSyncInterval, Duration nodeHeartbeatInterval, Duration nodeTimeout,
			int maxConnectionsPerUser, Duration commandTimeout) {
		this(keyPrefix, nodeId, syncInterval, maxBatch, maxQueued, lastSeenSyncInterval, nodeHeartbeatInterval,
				nodeTimeout, maxConnectionsPerUser, commandTimeout, false);
	}

}
