package io.pushgateway.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushTarget;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.PollingClient;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestCluster;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slow-consumer policies on three nodes over a real {@code redis-server} and a real Kafka
 * broker, with real WebSocket clients that stop reading: pushes whose events conflate
 * reach a slow client as the latest value of each event, never closing it; pushes that
 * drop the oldest leave the newest and tell the client how many it missed; the default
 * still closes with {@code 4002}; a healthy client beside them gets every push.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class SlowConsumerPoliciesEndToEndTests {

	/** Enough pushes of this size to fill the socket buffers and the queue many times. */
	private static final int PUSHES = 400;

	private static final String PAD = "x".repeat(32 * 1024);

	@RegisterExtension
	static final TestCluster cluster = TestCluster.withKafka(3,
			Map.of("push.gateway.slow-consumer.rules[0].events", "price.*",
					"push.gateway.slow-consumer.rules[0].policy", "conflate",
					"push.gateway.slow-consumer.rules[1].events", "feed.*,news.*",
					"push.gateway.slow-consumer.rules[1].policy", "drop-oldest"));

	private final List<TestClient> clients = new ArrayList<>();

	@AfterEach
	void close() {
		this.clients.forEach(TestClient::close);
	}

	private TestClient connect(int node, String uid) {
		TestClient client = TestClient.connect(cluster.node(node).port(), Tokens.forUser(uid));
		this.clients.add(client);
		client.next("welcome");
		return client;
	}

	private static PushOperations push(int node) {
		return cluster.node(node).bean(PushOperations.class);
	}

	private static double counter(int node, String name, String tag, String value) {
		return cluster.node(node).bean(MeterRegistry.class).get(name).tag(tag, value).counter().count();
	}

	/**
	 * Pushes the same event PUSHES times from node 0 to both users, with a sequence. The
	 * healthy client reads each push before the next is issued: it is never more than one
	 * push behind, so never near its queue's bound however the bus batches the pushes or
	 * a loaded machine delays its reads, and it must get every one, in order.
	 */
	private static void pushSequence(String event, String slow, String healthyUid, TestClient healthy) {
		for (int seq = 0; seq < PUSHES; seq++) {
			push(0).push(PushTarget.users(List.of(slow, healthyUid)), event, Map.of("seq", seq, "pad", PAD)).block();
			assertThat(seq(healthy.next("push"))).isEqualTo(seq);
		}
	}

	private static int seq(Map<String, Object> frame) {
		return ((Number) ((Map<?, ?>) frame.get("d")).get("seq")).intValue();
	}

	@Test
	void aSlowClientGetsTheLatestValueOfAConflatedEventAndStaysConnected() {
		String slowUid = "slow-" + UUID.randomUUID();
		String healthyUid = "healthy-" + UUID.randomUUID();
		TestClient slow = connect(1, slowUid);
		TestClient healthy = connect(1, healthyUid);
		double conflatedBefore = counter(1, "push.gateway.slow.pushes", "policy", "conflate");
		slow.pauseReading();

		pushSequence("price.ACME", slowUid, healthyUid, healthy);
		slow.resumeReading();

		List<Integer> received = new ArrayList<>();
		while (received.isEmpty() || received.get(received.size() - 1) < PUSHES - 1) {
			received.add(seq(slow.next("push")));
		}
		assertThat(received).isSorted().doesNotHaveDuplicates().hasSizeLessThan(PUSHES);
		assertThat(received.get(received.size() - 1)).isEqualTo(PUSHES - 1);
		assertThat(counter(1, "push.gateway.slow.pushes", "policy", "conflate") - conflatedBefore)
			.isEqualTo(PUSHES - received.size());
		// never closed: it still answers
		int pongs = slow.pongs();
		slow.send("{\"t\":\"ping\"}");
		await().until(() -> slow.pongs() > pongs);
		assertThat(slow.isClosed()).isFalse();
	}

	@Test
	void aSlowClientMissesTheOldestPushesOfADroppableEventAndIsToldHowMany() {
		String slowUid = "slow-" + UUID.randomUUID();
		String healthyUid = "healthy-" + UUID.randomUUID();
		TestClient slow = connect(2, slowUid);
		TestClient healthy = connect(2, healthyUid);
		slow.pauseReading();

		pushSequence("feed.item", slowUid, healthyUid, healthy);
		slow.resumeReading();

		List<Integer> received = new ArrayList<>();
		long dropped = 0;
		while (received.size() + dropped < PUSHES) {
			Map<String, Object> frame = slow
				.next((candidate) -> "push".equals(candidate.get("t")) || "dropped".equals(candidate.get("t")));
			if ("dropped".equals(frame.get("t"))) {
				dropped += ((Number) frame.get("n")).longValue();
			}
			else {
				received.add(seq(frame));
			}
		}
		// every push is either received or counted as dropped; the newest ones are kept
		assertThat(received.size() + dropped).isEqualTo(PUSHES);
		assertThat(dropped).isPositive();
		assertThat(received).isSorted().doesNotHaveDuplicates();
		assertThat(received.get(received.size() - 1)).isEqualTo(PUSHES - 1);
		int pongs = slow.pongs();
		slow.send("{\"t\":\"ping\"}");
		await().until(() -> slow.pongs() > pongs);
		assertThat(slow.isClosed()).isFalse();
	}

	@Test
	void aLongPollingSessionThatDoesNotPollGetsTheSamePolicies() {
		String conflatedUid = "poll-" + UUID.randomUUID();
		String droppingUid = "poll-" + UUID.randomUUID();
		String healthyUid = "healthy-" + UUID.randomUUID();
		PollingClient conflated = PollingClient.open(cluster.node(1).port(),
				"?access_token=" + Tokens.forUser(conflatedUid), false);
		PollingClient dropping = PollingClient.open(cluster.node(1).port(),
				"?access_token=" + Tokens.forUser(droppingUid), false);
		TestClient healthy = connect(1, healthyUid);
		try {
			conflated.next("welcome");
			dropping.next("welcome");
			for (int seq = 0; seq < PUSHES; seq++) {
				push(0)
					.push(PushTarget.users(List.of(conflatedUid, healthyUid)), "price.ACME",
							Map.of("seq", seq, "pad", PAD))
					.block();
				push(0)
					.push(PushTarget.users(List.of(droppingUid, healthyUid)), "news.item",
							Map.of("seq", seq, "pad", PAD))
					.block();
				// read as it goes, as in pushSequence; the two pushes are keyed apart on
				// the bus, so they may arrive in either order
				assertThat(List.of(healthy.next("push").get("ev"), healthy.next("push").get("ev")))
					.containsExactlyInAnyOrder("price.ACME", "news.item");
			}
			conflated.startPolling();
			dropping.startPolling();

			List<Integer> latest = new ArrayList<>();
			while (latest.isEmpty() || latest.get(latest.size() - 1) < PUSHES - 1) {
				latest.add(seq(conflated.next("push")));
			}
			assertThat(latest).isSorted().doesNotHaveDuplicates().hasSizeLessThan(PUSHES);

			List<Integer> newest = new ArrayList<>();
			long dropped = 0;
			while (newest.size() + dropped < PUSHES) {
				Map<String, Object> frame = dropping
					.next((candidate) -> "push".equals(candidate.get("t")) || "dropped".equals(candidate.get("t")));
				if ("dropped".equals(frame.get("t"))) {
					dropped += ((Number) frame.get("n")).longValue();
				}
				else {
					newest.add(seq(frame));
				}
			}
			assertThat(dropped).isPositive();
			assertThat(newest).isSorted().doesNotHaveDuplicates();
			assertThat(newest.get(newest.size() - 1)).isEqualTo(PUSHES - 1);
			// both sessions are still open: a send is accepted
			assertThat(conflated.send("{\"t\":\"ping\"}")).isEqualTo(204);
			assertThat(dropping.send("{\"t\":\"ping\"}")).isEqualTo(204);
		}
		finally {
			conflated.close();
			dropping.close();
		}
	}

	@Test
	void eventsWithoutARuleStillCloseASlowClient() {
		String slowUid = "slow-" + UUID.randomUUID();
		String healthyUid = "healthy-" + UUID.randomUUID();
		TestClient slow = connect(1, slowUid);
		TestClient healthy = connect(1, healthyUid);
		slow.pauseReading();

		pushSequence("order.updated", slowUid, healthyUid, healthy);
		slow.resumeReading();

		assertThat(slow.awaitClose().code()).isIn(4002, 1006, -1);
	}

}
