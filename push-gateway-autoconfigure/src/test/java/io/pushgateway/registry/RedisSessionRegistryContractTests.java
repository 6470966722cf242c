package io.pushgateway.registry;

import io.pushgateway.support.RedisBackend;
import io.pushgateway.support.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The session registry contract on a real {@code redis-server}; the Redis registry's own
 * behaviour (keys, sweeps, limits) is in {@link RedisSessionRegistryTests}.
 *
 * @author Push Gateway team
 */
class RedisSessionRegistryContractTests extends AbstractRedisSessionRegistryContractTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@Override
	protected RedisBackend redis() {
		return redis;
	}

}
