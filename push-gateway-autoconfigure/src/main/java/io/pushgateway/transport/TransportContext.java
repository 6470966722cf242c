package io.pushgateway.transport;

import java.time.Clock;

import io.pushgateway.hub.ClientFrameHandler;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.NodeLifecycle;
import io.pushgateway.hub.RecoveryCoordinator;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.ClusterBus;
import org.jspecify.annotations.Nullable;

/**
 * What every transport works with, whichever carries its clients: admission before a
 * connection exists, the hub that holds the connections, the handler of client frames,
 * the node's IDs, lifecycle, bus (relays of polls and sends to the node holding a
 * session), meters and clock, and recovery when a push store exists. One value, built
 * once, so the transports take their own settings and this.
 *
 * @param admission admits clients before they become connections
 * @param hub the connections of this node
 * @param frames handles the frames clients send
 * @param ids the node's message and socket IDs
 * @param lifecycle the node's lifecycle (draining, heartbeats)
 * @param bus the cluster bus, for relays between nodes
 * @param metrics the node's meters
 * @param nodeId the node's ID
 * @param clock the node's clock
 * @param recovery replays what a reconnecting client missed, or {@code null} without a
 * push store
 * @author Push Gateway team
 */
public record TransportContext(Admission admission, LocalHub hub, ClientFrameHandler frames, SnowflakeIdGenerator ids,
		NodeLifecycle lifecycle, ClusterBus bus, GatewayMetrics metrics, String nodeId, Clock clock,
		@Nullable RecoveryCoordinator recovery) {

}
