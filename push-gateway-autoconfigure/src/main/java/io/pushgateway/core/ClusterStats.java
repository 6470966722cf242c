package io.pushgateway.core;

/**
 * Cluster-wide counts.
 *
 * @param nodes live nodes
 * @param connections open connections
 * @param users distinct connected users
 * @author Push Gateway team
 */
public record ClusterStats(long nodes, long connections, long users) {
}
