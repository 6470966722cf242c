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
 * A real {@code redis-server} for a test class: started before its first test, stopped
 * after its last; connection factories handed out during a test are destroyed after it,
 * and every test gets its own key prefix. Register it as a static field:
 * {@code @RegisterExtension static final RedisExtension redis = new RedisExtension();}.
 *
 * @author Push Gateway team
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private RedisServer server;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = RedisServer.start();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.factories.forEach(LettuceConnectionFactory::destroy);
		this.factories.clear();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.server.close();
	}

	/**
	 * A connection factory to the server, destroyed after the current test.
	 * @return the factory, started
	 */
	public LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = this.server.connectionFactory();
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

	/**
	 * Run a command with redis-cli semantics.
	 * @param command the command
	 * @return its output
	 * @throws Exception if it failed
	 */
	public String command(String command) throws Exception {
		return this.server.command(command);
	}

	/** Restart the server empty, on the same port. */
	public void restart() {
		this.server.restart();
	}

	public int port() {
		return this.server.port();
	}

}
