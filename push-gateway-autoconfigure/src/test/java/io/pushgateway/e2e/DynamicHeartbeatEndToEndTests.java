package io.pushgateway.e2e;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dynamic heartbeat from a real WebSocket client's side: a connection that keeps its
 * beat is told to ping less often, step by step up to the maximum; one that falls silent
 * is first told the base interval again (its timeout had grown with its interval), then
 * closed with {@code 4001} after the base timeout.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class DynamicHeartbeatEndToEndTests {

	private static TestGateway gateway;

	private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();

	@BeforeAll
	static void start() {
		gateway = TestGateway
			.start(Map.of("push.gateway.heartbeat.interval", "500ms", "push.gateway.heartbeat.timeout", "1500ms",
					"push.gateway.heartbeat.dynamic.enabled", true, "push.gateway.heartbeat.dynamic.promote-after",
					"1s", "push.gateway.heartbeat.dynamic.max-interval", "2s"));
	}

	@AfterAll
	static void stop() {
		gateway.close();
	}

	@Test
	void aStableConnectionPingsLessOftenAndASilentOneIsToldTheBaseIntervalThenClosed() {
		TestClient client = TestClient.connect(gateway.port(), Tokens.forUser("steady"));
		try {
			assertThat(client.next("welcome")).containsEntry("hb", 500);
			ScheduledFuture<?> pings = this.pinger.scheduleAtFixedRate(() -> client.send("{\"t\":\"ping\"}"), 0, 300,
					TimeUnit.MILLISECONDS);
			assertThat(client.next("hb")).containsEntry("hb", 1000);
			assertThat(client.next("hb")).containsEntry("hb", 2000);

			pings.cancel(false);
			long silentSince = System.nanoTime();
			// late by half its 2 s interval: back to 500 ms, not closed at the base
			// timeout of 1.5 s
			assertThat(client.next("hb")).containsEntry("hb", 500);
			assertThat(Duration.ofNanos(System.nanoTime() - silentSince)).isGreaterThan(Duration.ofMillis(1500));
			assertThat(client.awaitClose().code()).isEqualTo(4001);
		}
		finally {
			this.pinger.shutdownNow();
			client.close();
		}
	}

}
