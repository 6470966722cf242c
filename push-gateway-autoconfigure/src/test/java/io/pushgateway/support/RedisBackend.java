package io.pushgateway.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Connection factories to a test's Redis (one server or a cluster), destroyed after each
 * test, and a key prefix per test: what {@link RedisExtension} and
 * {@link RedisClusterExtension} share.
 *
 * @author Push Gateway team
 */
public abstract class RedisBackend {

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	/**
	 * A new, started connection factory.
	 * @return the factory
	 */
	protected abstract LettuceConnectionFactory newConnectionFactory();

	/**
	 * A connection factory, destroyed after the current test.
	 * @return the factory, started
	 */
	public LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = newConnectionFactory();
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

	void destroyFactories() {
		this.factories.forEach(LettuceConnectionFactory::destroy);
		this.factories.clear();
	}

}
