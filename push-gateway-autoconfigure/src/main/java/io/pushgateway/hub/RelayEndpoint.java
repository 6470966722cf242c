package io.pushgateway.hub;

import io.pushgateway.spi.ClusterMessage;

/**
 * A transport that exchanges {@link ClusterMessage.Relay relays} with the same transport
 * on other nodes, for example long-polling requests that reached a node other than the
 * one holding their session. Each endpoint is a bean; the node hands it the relays
 * addressed to this node on its {@link #channel() channel}.
 *
 * @author Push Gateway team
 */
public interface RelayEndpoint {

	/**
	 * The channel this endpoint sends and receives relays on; unique on a node.
	 * @return the channel, for example {@code polling}
	 */
	String channel();

	/**
	 * A relay for this endpoint arrived. Called on the bus's receiving thread: hand work
	 * to an event loop, never block.
	 * @param relay the relay, its {@code origin} set
	 */
	void onRelay(ClusterMessage.Relay relay);

}
