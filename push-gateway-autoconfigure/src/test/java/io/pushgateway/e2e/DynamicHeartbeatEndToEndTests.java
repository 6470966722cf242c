package io.pushgateway.e2e;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.pushgateway.core.PresenceOperations;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestCluster;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dynamic heartbeat from a real WebSocket client's side, on a node of a three-node
 * cluster (Redis registry, Kafka bus): a connection that keeps its beat is told to ping
 * less often, step by step up to the maximum; one that falls silent is first told the
 * base interval again (its timeout had grown with its interval), then closed with
 * {@code 4001} after the base timeout.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class DynamicHeartbeatEndToEndTests {

	@RegisterExtension
	static final TestCluster cluster = TestCluster.withKafka(3,
			Map.of("push.gateway.heartbeat.interval", "500ms", "push.gateway.heartbeat.timeout", "1500ms",
					"push.gateway.heartbeat.dynamic.enabled", true, "push.gateway.heartbeat.dynamic.promote-after",
					"1s", "push.gateway.heartbeat.dynamic.max-interval", "2s",
					"push.gateway.registry.last-seen-sync-interval", "200ms"));

	private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();

	@Test
	void aStableConnectionPingsLessOftenAndASilentOneIsToldTheBaseIntervalThenClosed() {
		TestClient client = TestClient.connect(cluster.node(2).port(), Tokens.forUser("steady"));
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
			// and the cluster forgets it
			await().atMost(Duration.ofSeconds(5))
				.until(() -> !cluster.node(0).bean(PresenceOperations.class).isOnline("steady").block());
		}
		finally {
			this.pinger.shutdownNow();
			client.close();
		}
	}

}
