package io.pushgateway.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.pushgateway.cluster.redis.RedisClusterBus;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The cluster bus contract over a real {@code redis-server}.
 *
 * @author Push Gateway team
 */
class RedisClusterBusTests extends ClusterBusContractTests {

	private static RedisServer redis;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private String channel;

	@BeforeAll
	static void startRedis() {
		redis = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void freshChannel() {
		this.channel = "ws:bus:" + UUID.randomUUID();
	}

	@AfterEach
	void closeFactories() {
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	@Override
	protected ClusterBus createBus(String nodeId) {
		LettuceConnectionFactory factory = redis.connectionFactory();
		this.factories.add(factory);
		return new RedisClusterBus(factory, this.channel, nodeId, System::nanoTime, 1000, Duration.ofSeconds(5));
	}

}
