package io.pushgateway.spi;

import java.util.Set;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Carries {@link ClusterMessage messages} between the nodes of a cluster: every push
 * issued on this node is published, and every message published by another node is
 * received here. An implementation never hands a node back its own messages, so a push is
 * delivered once per connection. Publishing must not block and must be bounded: when the
 * transport is down a publish fails (or is buffered within a documented bound) rather
 * than queue without limit.
 *
 * @author Push Gateway team
 * @see BackendHealth
 */
public interface ClusterBus {

	/**
	 * Publish a message for the other nodes.
	 * @param message the message
	 * @return completes when the transport accepted the message, or errors with a
	 * {@link ClusterBusException}
	 */
	Mono<Void> publish(ClusterMessage message);

	/**
	 * Publish a message for some nodes only. Buses that cannot address nodes publish to
	 * every node, which is always correct since a node delivers only to its own
	 * connections.
	 * @param message the message
	 * @param nodes the IDs of the nodes that need it, not empty
	 * @return completes when the transport accepted the message
	 */
	default Mono<Void> publish(ClusterMessage message, Set<String> nodes) {
		return publish(message);
	}

	/**
	 * The messages other nodes published.
	 * @return the messages, never completing while the bus runs
	 */
	Flux<ClusterMessage> received();

	/**
	 * Completes once the bus receives messages published from now on; a node accepts
	 * connections only after that, so no push to them is missed at startup. Fails with a
	 * {@link ClusterBusException} when the bus can never become ready, for example when
	 * the broker refuses its credentials; the node then fails to start.
	 * @return completes when ready
	 */
	default Mono<Void> ready() {
		return Mono.empty();
	}

	/**
	 * Whether the bus carries messages to other nodes; the embedded single-node bus does
	 * not, so nothing is published to it.
	 * @return {@code true} unless the node is alone
	 */
	default boolean reachesOtherNodes() {
		return true;
	}

	/**
	 * How the bus is doing, for health checks; cheap, never blocks.
	 * @return the bus's health
	 */
	default BackendHealth health() {
		return BackendHealth.UP;
	}

}
