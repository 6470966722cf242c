package io.pushgateway.support;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the BlockHound check used by the end-to-end tests can fail: a handler that
 * blocks the gateway's event loop is reported.
 *
 * @author Push Gateway team
 */
class BlockHoundSelfTests {

	@Test
	void blockingCallOnAnEventLoopIsReported() {
		BlockHoundExtension.install();
		try (TestGateway gateway = TestGateway.start(Map.of());
				TestClient client = TestClient.connect(gateway.port(), Tokens.forUser("blocker"))) {
			client.next("welcome");
			BlockHoundExtension.violations().clear();

			client.send("{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"block-the-event-loop\",\"d\":1}");
			client.next("reply");

			assertThat(BlockHoundExtension.violations()).anySatisfy(
					(violation) -> assertThat(violation).contains("java.lang.Thread.sleep").contains("-http-epoll-"));
		}
		finally {
			BlockHoundExtension.violations().clear();
		}
	}

}
