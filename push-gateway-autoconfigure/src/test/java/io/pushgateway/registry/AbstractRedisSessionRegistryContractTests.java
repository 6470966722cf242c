package io.pushgateway.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.metrics.NodeStats;
import io.pushgateway.registry.redis.RedisRegistrySettings;
import io.pushgateway.registry.redis.RedisSessionRegistry;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.SessionRegistry;
import io.pushgateway.support.RedisBackend;
import org.junit.jupiter.api.AfterEach;

/**
 * The session registry contract in Redis, on whichever Redis a subclass starts (one
 * server, or a cluster).
 *
 * @author Push Gateway team
 */
abstract class AbstractRedisSessionRegistryContractTests extends SessionRegistryContractTests {

	private final List<RedisSessionRegistry> started = new ArrayList<>();

	/**
	 * The Redis of this test class.
	 * @return its connection factories and key prefixes
	 */
	protected abstract RedisBackend redis();

	@AfterEach
	void stopRegistries() {
		this.started.forEach(RedisSessionRegistry::stop);
	}

	@Override
	protected SessionRegistry createRegistry(LocalHub hub, String nodeId, PresenceTracking tracking) {
		RedisSessionRegistry registry = new RedisSessionRegistry(redis().connectionFactory(),
				new RedisRegistrySettings(redis().freshPrefix(), nodeId, Duration.ofMillis(20), 100, 1000,
						Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(2), 0,
						Duration.ofSeconds(2)),
				hub, (socketId, node) -> {
				}, new GatewayMetrics(new SimpleMeterRegistry(), NodeStats.NONE), tracking);
		registry.start();
		this.started.add(0, registry);
		return registry;
	}

}
