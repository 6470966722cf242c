package io.pushgateway.registry.redis;

import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.LocalSessions;
import io.pushgateway.spi.Session;

/**
 * Queues the last-seen times that changed since the previous sync: they are kept in
 * memory by the hub and written every {@code lastSeenSyncInterval}, and a connection that
 * sent nothing since (a long heartbeat interval) costs Redis nothing.
 *
 * @author Push Gateway team
 */
final class LastSeenSync {

	private final LocalSessions hub;

	private final RegistryWriteBehind writeBehind;

	private final GatewayMetrics metrics;

	/** The latest last-seen time the previous sync queued; 0 before the first. */
	private volatile long syncedUpTo;

	LastSeenSync(LocalSessions hub, RegistryWriteBehind writeBehind, GatewayMetrics metrics) {
		this.hub = hub;
		this.writeBehind = writeBehind;
		this.metrics = metrics;
	}

	/**
	 * Queue the last-seen times that changed.
	 */
	void queueChanged() {
		// in the hub's own clock: the latest last-seen time of the previous sync
		long since = this.syncedUpTo;
		long latest = since;
		int count = 0;
		for (Session connection : this.hub.sessions()) {
			long lastSeen = connection.lastSeen();
			if (lastSeen > since) {
				this.writeBehind.enqueue(ApplyCalls.lastSeen(Long.toString(connection.socketId()), lastSeen));
				count++;
				latest = Math.max(latest, lastSeen);
			}
		}
		this.syncedUpTo = latest;
		this.metrics.lastSeenSynced(count);
	}

}
