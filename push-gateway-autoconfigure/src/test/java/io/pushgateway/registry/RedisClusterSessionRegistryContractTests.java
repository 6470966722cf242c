package io.pushgateway.registry;

import io.pushgateway.support.RedisBackend;
import io.pushgateway.support.RedisClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The session registry contract on a real Redis Cluster (three masters, three replicas):
 * every script call stays within one hash slot, or Redis would refuse it.
 *
 * @author Push Gateway team
 */
class RedisClusterSessionRegistryContractTests extends AbstractRedisSessionRegistryContractTests {

	@RegisterExtension
	static final RedisClusterExtension redis = new RedisClusterExtension();

	@Override
	protected RedisBackend redis() {
		return redis;
	}

}
