package io.pushgateway.actuate;

import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.NodeLifecycle;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * This node's health: {@code UP} while it accepts connections, {@code OUT_OF_SERVICE}
 * before it starts and once it began draining for shutdown, so a load balancer stops
 * sending new clients to a node that is going away.
 *
 * @author Push Gateway team
 */
public class PushGatewayHealthIndicator implements HealthIndicator {

	private final String nodeId;

	private final LocalHub hub;

	private final NodeLifecycle lifecycle;

	public PushGatewayHealthIndicator(String nodeId, LocalHub hub, NodeLifecycle lifecycle) {
		this.nodeId = nodeId;
		this.hub = hub;
		this.lifecycle = lifecycle;
	}

	@Override
	public Health health() {
		Health.Builder builder = this.lifecycle.isAccepting() ? Health.up() : Health.outOfService();
		return builder.withDetail("node", this.nodeId)
			.withDetail("connections", this.hub.connectionCount())
			.withDetail("users", this.hub.userCount())
			.build();
	}

}
