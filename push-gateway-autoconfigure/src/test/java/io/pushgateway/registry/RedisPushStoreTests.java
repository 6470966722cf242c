package io.pushgateway.registry;

import java.time.Duration;

import io.pushgateway.registry.redis.RedisPushStore;
import io.pushgateway.spi.PushStore;
import io.pushgateway.support.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The push store contract in Redis Streams, on a real {@code redis-server}.
 *
 * @author Push Gateway team
 */
class RedisPushStoreTests extends PushStoreContractTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@Override
	protected PushStore createStore() {
		return new RedisPushStore(redis.connectionFactory(), redis.freshPrefix(), 3, Duration.ofMinutes(10),
				Duration.ofSeconds(5));
	}

}
