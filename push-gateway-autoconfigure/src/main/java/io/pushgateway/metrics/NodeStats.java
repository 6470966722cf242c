package io.pushgateway.metrics;

/**
 * What the node's gauges read on each scrape, so the meters need not know the hub.
 *
 * @author Push Gateway team
 */
public interface NodeStats {

	/** No connections: for components that keep private meters. */
	NodeStats NONE = new NodeStats() {

		@Override
		public int connectionCount() {
			return 0;
		}

		@Override
		public int userCount() {
			return 0;
		}

		@Override
		public long queuedBytes() {
			return 0;
		}

	};

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
