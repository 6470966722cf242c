package io.pushgateway.support;

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
public final class RedisExtension extends RedisBackend
		implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

	private RedisServer server;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = RedisServer.start();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		destroyFactories();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.server.close();
	}

	@Override
	protected LettuceConnectionFactory newConnectionFactory() {
		return this.server.connectionFactory();
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
