package io.pushgateway.test.contract;

import java.time.Duration;

import io.pushgateway.registry.redis.RedisPushStore;
import io.pushgateway.spi.PushStore;
import io.pushgateway.support.RedisClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The push store contract in Redis Streams on a real Redis Cluster.
 *
 * @author Push Gateway team
 */
class RedisClusterPushStoreContractTests extends PushStoreContract {

	@RegisterExtension
	static final RedisClusterExtension redis = new RedisClusterExtension();

	@Override
	protected PushStore createStore() {
		return new RedisPushStore(redis.connectionFactory(), redis.freshPrefix(), 3, Duration.ofMinutes(10),
				Duration.ofSeconds(5));
	}

}
