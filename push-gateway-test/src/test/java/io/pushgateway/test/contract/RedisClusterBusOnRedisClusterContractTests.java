package io.pushgateway.test.contract;

import java.time.Duration;
import java.util.UUID;

import io.pushgateway.cluster.SkippedRecords;
import io.pushgateway.cluster.redis.RedisBusSettings;
import io.pushgateway.cluster.redis.RedisClusterBus;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.support.RedisClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster bus contract over pub/sub on a real Redis Cluster, where a message
 * published on one master reaches subscribers connected to any other.
 *
 * @author Push Gateway team
 */
class RedisClusterBusOnRedisClusterContractTests extends ClusterBusContract {

	@RegisterExtension
	static final RedisClusterExtension redis = new RedisClusterExtension();

	private String channel;

	@BeforeEach
	void freshChannel() {
		this.channel = "ws:bus:" + UUID.randomUUID();
	}

	@Override
	protected ClusterBus createBus(String nodeId) {
		return new RedisClusterBus(redis.connectionFactory(),
				new RedisBusSettings(this.channel, 1000, Duration.ofSeconds(5)), nodeId, System::nanoTime,
				SkippedRecords.LOG_ONLY);
	}

}
