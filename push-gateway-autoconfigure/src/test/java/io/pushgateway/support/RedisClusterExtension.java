package io.pushgateway.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A real Redis Cluster ({@link RedisCluster}: three masters, one replica each) for a test
 * class, like {@link RedisExtension} for a single {@code redis-server}: connection
 * factories handed out during a test are destroyed after it, and every test gets its own
 * key prefix. Register it as a static field.
 *
 * @author Push Gateway team
 */
public final class RedisClusterExtension extends RedisBackend
		implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

	private RedisCluster cluster;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.cluster = RedisCluster.start(3, 1);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		destroyFactories();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.cluster.close();
	}

	@Override
	protected LettuceConnectionFactory newConnectionFactory() {
		return this.cluster.connectionFactory();
	}

	public RedisCluster cluster() {
		return this.cluster;
	}

}
