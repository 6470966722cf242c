package io.pushgateway.cluster;

import java.util.Map;

import io.pushgateway.spi.BackendHealth;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@link ClusterBus} of a single node (the embedded default): there are no other
 * nodes to tell, so publishing does nothing and nothing is ever received.
 *
 * @author Push Gateway team
 */
public final class LocalClusterBus implements ClusterBus {

	private static final BackendHealth LOCAL = new BackendHealth(true, Map.of("bus", "local"));

	@Override
	public Mono<Void> publish(ClusterMessage message) {
		return Mono.empty();
	}

	@Override
	public Flux<ClusterMessage> received() {
		return Flux.never();
	}

	/** Always up: there is nothing to connect to. */
	@Override
	public BackendHealth health() {
		return LOCAL;
	}

	@Override
	public boolean reachesOtherNodes() {
		return false;
	}

}
