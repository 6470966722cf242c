package io.pushgateway.metrics;

/**
 * What the node's gauges read on each scrape, so the meters need not know the hub.
 *
 * @author Push Gateway team
 */
public interface NodeStats {

	/**
	 * Open connections on this node.
	 * @return the count
	 */
	int connectionCount();

	/**
	 * Users with at least one connection on this node.
	 * @return the count
	 */
	int userCount();

	/**
	 * Bytes written to this node's connections and not yet taken by the network.
	 * @return the bytes
	 */
	long queuedBytes();

}
