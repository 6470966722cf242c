package io.pushgateway.actuate;

import io.pushgateway.registry.redis.RedisSessionRegistry;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The Redis session registry's health: {@code DOWN} while its writes do not reach Redis.
 * Connections keep working then; the registry rewrites this node's sessions when Redis
 * answers again.
 *
 * @author Push Gateway team
 */
public class SessionRegistryHealthIndicator implements HealthIndicator {

	private final RedisSessionRegistry registry;

	public SessionRegistryHealthIndicator(RedisSessionRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Health health() {
		return (this.registry.isHealthy() ? Health.up() : Health.down())
			.withDetail("queuedChanges", this.registry.queued())
			.withDetail("sweptSessions", this.registry.sweptSessions())
			.build();
	}

}
