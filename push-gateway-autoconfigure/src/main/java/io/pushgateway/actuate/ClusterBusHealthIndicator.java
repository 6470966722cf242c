package io.pushgateway.actuate;

import io.pushgateway.spi.BackendHealth;
import io.pushgateway.spi.ClusterBus;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The cluster bus's health (Kafka or Redis pub/sub), from what the bus observed itself:
 * no probe is sent, so a health check costs nothing on the broker.
 *
 * @author Push Gateway team
 */
public class ClusterBusHealthIndicator implements HealthIndicator {

	private final ClusterBus bus;

	public ClusterBusHealthIndicator(ClusterBus bus) {
		this.bus = bus;
	}

	@Override
	public Health health() {
		BackendHealth health = this.bus.health();
		return (health.up() ? Health.up() : Health.down()).withDetails(health.details()).build();
	}

}
