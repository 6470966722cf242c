package io.pushgateway.spi;

import io.pushgateway.core.Push;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Carries pushes between the nodes of a cluster: every push issued on this node is
 * published, and every push issued on another node is received here and delivered to this
 * node's connections. Implementations must never hand a node back its own pushes.
 *
 * @author Push Gateway team
 * @see LocalClusterBus
 */
public interface ClusterBus {

	/**
	 * Publish a push that this node issued, for the other nodes.
	 * @param push the push
	 * @return completes when the bus accepted the push
	 */
	Mono<Void> publish(Push push);

	/**
	 * The pushes other nodes issued, for delivery on this node.
	 * @return the pushes, never completing while the bus runs
	 */
	Flux<Push> received();

}
