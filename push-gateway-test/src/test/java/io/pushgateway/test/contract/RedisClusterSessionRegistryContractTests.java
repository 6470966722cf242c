package io.pushgateway.test.contract;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.metrics.NodeStats;
import io.pushgateway.registry.redis.RedisPresence;
import io.pushgateway.registry.redis.RedisRegistrySettings;
import io.pushgateway.registry.redis.RedisSessionRegistry;
import io.pushgateway.spi.LocalSessions;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.SessionRegistry;
import io.pushgateway.support.RedisClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The session registry contract on a real Redis Cluster (three masters, three replicas):
 * every script call stays within one hash slot, or Redis would refuse it.
 *
 * @author Push Gateway team
 */
class RedisClusterSessionRegistryContractTests extends SessionRegistryContract {

	@RegisterExtension
	static final RedisClusterExtension redis = new RedisClusterExtension();

	private final String prefix = redis.freshPrefix();

	@Override
	protected SessionRegistry createRegistry(LocalSessions sessions, String nodeId, PresenceTracking tracking) {
		// no node of the contract dies: a node timeout of 30 s keeps a machine loaded
		// enough to stall the heartbeat for 2 s from sweeping a live node (the loaded
		// run's presence events came twice)
		RedisRegistrySettings settings = new RedisRegistrySettings(this.prefix, nodeId, Duration.ofMillis(20), 100,
				1000, Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(30), 0, Duration.ofSeconds(2));
		return new RedisSessionRegistry(redis.connectionFactory(), settings, sessions, (socketId, node) -> {
		}, new GatewayMetrics(new SimpleMeterRegistry(), NodeStats.NONE), tracking);
	}

	@Override
	protected PresenceOperations createPresence(LocalSessions sessions, String nodeId) {
		return new RedisPresence(redis.connectionFactory(), this.prefix, Duration.ofSeconds(2));
	}

}
