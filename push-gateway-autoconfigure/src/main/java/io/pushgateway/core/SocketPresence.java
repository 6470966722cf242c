package io.pushgateway.core;

/**
 * One connection of a user somewhere in the cluster.
 *
 * @param socketId the socket ID
 * @param node the ID of the node holding it
 * @author Push Gateway team
 */
public record SocketPresence(long socketId, String node) {
}
