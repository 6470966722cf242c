package io.pushgateway.hub;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import io.pushgateway.spi.SessionRegistry;
import reactor.core.publisher.Mono;

/**
 * Hands the pushes this node issued to the cluster bus, either to every node (event
 * broadcast, the default) or, with targeted routing, only to the nodes the session
 * registry says hold the target. Targeted routing costs a registry lookup per push and,
 * because the registry is written in batches, can miss a connection opened on another
 * node within the last sync interval; see {@code docs/cluster.md} for the measured
 * comparison.
 *
 * @author Push Gateway team
 */
public class ClusterPublisher {

	private final ClusterBus bus;

	private final SessionRegistry registry;

	private final String nodeId;

	private final boolean targeted;

	private final GatewayMetrics metrics;

	private final PushObservations observations;

	/**
	 * Create a publisher.
	 * @param bus the cluster bus
	 * @param registry finds the nodes of a target, for targeted routing
	 * @param nodeId this node
	 * @param targeted whether pushes go only to the nodes that hold their target
	 * @param metrics the meters
	 * @param observations observes each push's trip to the other nodes
	 */
	public ClusterPublisher(ClusterBus bus, SessionRegistry registry, String nodeId, boolean targeted,
			GatewayMetrics metrics, PushObservations observations) {
		this.observations = observations;
		this.bus = bus;
		this.metrics = metrics;
		this.registry = registry;
		this.nodeId = nodeId;
		this.targeted = targeted;
	}

	/**
	 * Publish a push for the other nodes.
	 * @param push the push
	 * @return completes when the bus accepted it
	 */
	public Mono<Void> publish(Push push) {
		if (!this.bus.reachesOtherNodes()) {
			return Mono.empty();
		}
		// with tracing, the trace context travels in the record's headers
		return this.observations.send(PushObservations.BUS_SEND, "push-gateway-bus",
				(headers) -> publish(new ClusterMessage.Deliver(push, null, headers), push.target()));
	}

	/**
	 * Publish a message about a target for the other nodes.
	 * @param message the message
	 * @param target whose nodes need it, for targeted routing
	 * @return completes when the bus accepted it
	 */
	public Mono<Void> publish(ClusterMessage message, PushTarget target) {
		if (!this.bus.reachesOtherNodes()) {
			// a single node: nothing to publish, nothing to time
			return Mono.empty();
		}
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return route(message, target).doOnSuccess((done) -> this.metrics.busPublished(System.nanoTime() - start))
				.doOnError((error) -> this.metrics.busPublishFailed());
		});
	}

	private Mono<Void> route(ClusterMessage message, PushTarget target) {
		if (!this.targeted || target instanceof PushTarget.All) {
			return this.bus.publish(message);
		}
		// an empty answer means the registry cannot tell: fall back to broadcast (publish
		// returns an empty Mono<Void> itself, so switchIfEmpty cannot be used after it)
		return this.registry.nodesOf(target)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			// the registry being down must not stop cross-node pushes: broadcast instead
			.onErrorReturn(Optional.empty())
			.flatMap((nodes) -> {
				if (nodes.isEmpty()) {
					return this.bus.publish(message);
				}
				Set<String> others = new HashSet<>(nodes.get());
				others.remove(this.nodeId);
				return others.isEmpty() ? Mono.empty() : this.bus.publish(message, others);
			});
	}

}
