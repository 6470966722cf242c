package io.pushgateway.core;

import java.time.Instant;

/**
 * One live node of the cluster and its connections.
 *
 * @param node the node's ID
 * @param connections the connections it holds, as last written to the registry
 * @param lastHeartbeat when it last recorded that it is alive (the registry's clock), or
 * now for a node without a shared registry
 * @author Push Gateway team
 */
public record NodeStats(String node, long connections, Instant lastHeartbeat) {
}
