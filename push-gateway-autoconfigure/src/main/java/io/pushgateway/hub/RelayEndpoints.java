package io.pushgateway.hub;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.pushgateway.spi.ClusterMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Hands each relay addressed to this node to the endpoint of its channel. The endpoints
 * are looked up when the first relay arrives, because transports are created after the
 * node's lifecycle they depend on. Relays for other nodes (a bus that cannot address
 * nodes hands them to everyone) and for channels no endpoint serves are dropped.
 *
 * @author Push Gateway team
 */
public final class RelayEndpoints implements Consumer<ClusterMessage.Relay> {

	private static final Log logger = LogFactory.getLog(RelayEndpoints.class);

	private final String nodeId;

	private final Supplier<? extends Collection<? extends RelayEndpoint>> lookup;

	private volatile @Nullable Map<String, RelayEndpoint> endpoints;

	/**
	 * Create the dispatcher.
	 * @param nodeId this node
	 * @param lookup finds the endpoints, once
	 */
	public RelayEndpoints(String nodeId, Supplier<? extends Collection<? extends RelayEndpoint>> lookup) {
		this.nodeId = nodeId;
		this.lookup = lookup;
	}

	@Override
	public void accept(ClusterMessage.Relay relay) {
		if (!relay.node().equals(this.nodeId)) {
			return;
		}
		RelayEndpoint endpoint = endpoints().get(relay.channel());
		if (endpoint == null) {
			logger.debug("Dropped a relay for channel '" + relay.channel() + "', which no endpoint serves on node "
					+ this.nodeId);
			return;
		}
		endpoint.onRelay(relay);
	}

	private Map<String, RelayEndpoint> endpoints() {
		Map<String, RelayEndpoint> endpoints = this.endpoints;
		if (endpoints == null) {
			endpoints = new HashMap<>();
			for (RelayEndpoint endpoint : this.lookup.get()) {
				RelayEndpoint previous = endpoints.putIfAbsent(endpoint.channel(), endpoint);
				if (previous != null) {
					logger.error("Two relay endpoints on channel '" + endpoint.channel() + "'; " + previous
							+ " receives its relays, " + endpoint + " none");
				}
			}
			this.endpoints = endpoints;
		}
		return endpoints;
	}

}
