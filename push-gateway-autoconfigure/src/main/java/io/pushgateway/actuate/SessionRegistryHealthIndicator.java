package io.pushgateway.actuate;

import io.pushgateway.spi.BackendHealth;
import io.pushgateway.spi.SessionRegistry;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The session registry's health, as the registry reports it through the SPI: the Redis
 * registry is {@code DOWN} while its writes do not reach Redis (connections keep working
 * then, and the registry rewrites this node's sessions when Redis answers again).
 *
 * @author Push Gateway team
 */
public class SessionRegistryHealthIndicator implements HealthIndicator {

	private final SessionRegistry registry;

	public SessionRegistryHealthIndicator(SessionRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Health health() {
		BackendHealth health = this.registry.health();
		return (health.up() ? Health.up() : Health.down()).withDetails(health.details()).build();
	}

}
