package io.pushgateway.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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
public final class RedisClusterExtension implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private RedisCluster cluster;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.cluster = RedisCluster.start(3, 1);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.factories.forEach(LettuceConnectionFactory::destroy);
		this.factories.clear();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.cluster.close();
	}

	/**
	 * A connection factory to the cluster, destroyed after the current test.
	 * @return the factory, started
	 */
	public LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = this.cluster.connectionFactory();
		this.factories.add(factory);
		return factory;
	}

	/**
	 * A key prefix no other test uses.
	 * @return the prefix
	 */
	public String freshPrefix() {
		return "t" + UUID.randomUUID().toString().substring(0, 8);
	}

	public RedisCluster cluster() {
		return this.cluster;
	}

}
