package io.pushgateway.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.pushgateway.core.NodeStats;
import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PresenceEvent.Type;
import io.pushgateway.core.PresenceListener;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.RecentPresence;
import io.pushgateway.id.NodeId;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestCluster;
import io.pushgateway.support.Tokens;
import io.pushgateway.support.UpstreamRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence transitions on three nodes sharing a real {@code redis-server} and a real
 * Kafka broker, with real WebSocket clients: each transition reaches the application's
 * listener and the upstream topic exactly once cluster-wide, reconnects within the grace
 * period are invisible, a GUID's members see who joins and leaves, and the users of a
 * node killed with SIGKILL go offline once, after the dead-node sweep.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class PresenceEventsEndToEndTests {

	private static final Duration GRACE = Duration.ofSeconds(2);

	/** What every node's listener saw: the node, then the event. */
	static final Queue<Seen> seen = new ConcurrentLinkedQueue<>();

	@RegisterExtension
	static final TestCluster cluster = TestCluster.withKafka(3,
			Map.of("push.gateway.presence.enabled", true, "push.gateway.presence.grace-period", GRACE.toMillis() + "ms",
					"push.gateway.presence.upstream", true, "push.gateway.presence.guid-members", true,
					"push.gateway.upstream.kafka.enabled", true, "push.gateway.registry.node-timeout", "2s",
					"push.gateway.registry.node-heartbeat-interval", "250ms"))
		.withProcessNode()
		.with(Recorder.class);

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	private TestClient connect(int port, String uid, String... guids) {
		TestClient client = TestClient.connect(port,
				Tokens.sign(uid, List.of(guids), Duration.ofMinutes(5), Tokens.SECRET));
		this.resources.add(client);
		client.next("welcome");
		return client;
	}

	private KafkaConsumer<String, byte[]> upstream() {
		KafkaConsumer<String, byte[]> consumer = UpstreamRecords.consumer(cluster.kafkaBootstrapServers(),
				cluster.topic("upstream"), Map.of());
		this.resources.add(consumer);
		return consumer;
	}

	private static List<Type> seenBy(String subject) {
		return seen.stream().filter((entry) -> entry.concerns(subject)).map((entry) -> entry.event().type()).toList();
	}

	/** Presence records about a user or GUID, until one with the last event arrives. */
	private static List<ConsumerRecord<String, byte[]>> recordsUntil(KafkaConsumer<String, byte[]> consumer, String key,
			String lastEvent) {
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
				String event = UpstreamRecords.header(record, "X-Event");
				if (key.equals(record.key()) && event.startsWith("presence.")) {
					records.add(record);
					if (event.equals(lastEvent)) {
						return records;
					}
				}
			}
		}
		throw new AssertionError("no " + lastEvent + " record for " + key + "; saw " + records);
	}

	private static List<String> events(List<ConsumerRecord<String, byte[]>> records) {
		return records.stream().map((record) -> UpstreamRecords.header(record, "X-Event")).toList();
	}

	@Test
	void aUserOnSeveralNodesComesOnlineOnceAndGoesOfflineOnce() {
		KafkaConsumer<String, byte[]> upstream = upstream();
		String uid = "user-" + UUID.randomUUID();
		TestClient onFirst = connect(cluster.node(0).port(), uid);
		TestClient onSecond = connect(cluster.node(1).port(), uid);
		await().atMost(Duration.ofSeconds(5)).until(() -> seenBy(uid).contains(Type.ONLINE));

		onFirst.close();
		onSecond.close();
		// back on a third node within the grace period, then gone for good
		connect(cluster.node(2).port(), uid).close();

		await().atMost(Duration.ofSeconds(10)).until(() -> seenBy(uid).contains(Type.OFFLINE));
		assertThat(seenBy(uid)).containsExactly(Type.ONLINE, Type.OFFLINE);
		List<ConsumerRecord<String, byte[]>> records = recordsUntil(upstream, uid, "presence.offline");
		assertThat(events(records)).containsExactly("presence.online", "presence.offline");
		ConsumerRecord<String, byte[]> online = records.get(0);
		assertThat(UpstreamRecords.header(online, "X-Uid")).isEqualTo(uid);
		assertThat(UpstreamRecords.header(online, "X-Node")).isEqualTo(seen.stream()
			.filter((entry) -> entry.concerns(uid) && entry.event().type() == Type.ONLINE)
			.findFirst()
			.orElseThrow()
			.node());
		assertThat(UpstreamRecords.header(online, "X-ID")).isNotBlank();
		assertThat(new String(online.value())).contains("\"type\":\"presence.online\"").contains(uid);

		// the console's view: the same two transitions, newest first, read on any node
		// whichever node emitted them (ws:presence:recent)
		for (int node = 0; node < 3; node++) {
			RecentPresence recent = cluster.node(node).bean(RecentPresence.class);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(recent.recent(RecentPresence.KEPT)
					.block()
					.stream()
					.filter((event) -> uid.equals(event.uid()))
					.map(PresenceEvent::type)).containsExactly(Type.OFFLINE, Type.ONLINE));
		}
	}

	@Test
	void everyNodeIsListedWithItsConnections() {
		String uid = "user-" + UUID.randomUUID();
		connect(cluster.node(1).port(), uid);
		PresenceOperations presence = cluster.node(0).bean(PresenceOperations.class);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			List<NodeStats> nodes = presence.nodes().block();
			assertThat(nodes).extracting(NodeStats::node)
				.containsExactlyInAnyOrder(cluster.node(0).bean(NodeId.class).value(),
						cluster.node(1).bean(NodeId.class).value(), cluster.node(2).bean(NodeId.class).value());
			assertThat(nodes).filteredOn((node) -> node.node().equals(cluster.node(1).bean(NodeId.class).value()))
				.singleElement()
				.satisfies((node) -> {
					assertThat(node.connections()).isPositive();
					assertThat(node.lastHeartbeat()).isAfter(Instant.now().minusSeconds(30));
				});
		});
	}

	@Test
	void aGuidsMembersSeeWhoJoinsAndLeaves() {
		String guid = "doc-" + UUID.randomUUID();
		String alice = "alice-" + guid;
		String bob = "bob-" + guid;
		TestClient aliceClient = connect(cluster.node(0).port(), alice, guid);
		await().atMost(Duration.ofSeconds(5)).until(() -> seenBy(guid).contains(Type.OCCUPIED));
		TestClient bobClient = connect(cluster.node(2).port(), bob, guid);

		Map<String, Object> joined = aliceClient.next((frame) -> "push".equals(frame.get("t"))
				&& "presence.join".equals(frame.get("ev")) && bob.equals(((Map<?, ?>) frame.get("d")).get("uid")));
		assertThat(joined.get("d")).isEqualTo(Map.of("uid", bob, "guid", guid));
		bobClient.close();
		Map<String, Object> left = aliceClient.next((frame) -> "push".equals(frame.get("t"))
				&& "presence.leave".equals(frame.get("ev")) && bob.equals(((Map<?, ?>) frame.get("d")).get("uid")));
		assertThat(left.get("d")).isEqualTo(Map.of("uid", bob, "guid", guid));
		aliceClient.close();

		await().atMost(Duration.ofSeconds(10)).until(() -> seenBy(guid).contains(Type.VACATED));
		assertThat(seen.stream()
			.filter((entry) -> guid.equals(entry.event().guid()))
			.map((entry) -> entry.event().type() + " " + entry.event().uid()))
			.containsExactlyInAnyOrder("OCCUPIED null", "JOINED " + alice, "JOINED " + bob, "LEFT " + bob,
					"LEFT " + alice, "VACATED null");
	}

	@Test
	void theUsersOfAKilledNodeGoOfflineOnceAfterTheSweep() throws Exception {
		KafkaConsumer<String, byte[]> upstream = upstream();
		String uid = "victim-" + UUID.randomUUID();
		String guid = "doc-" + UUID.randomUUID();
		Process process = cluster.processNode();
		try {
			connect(cluster.processNodePort(), uid, guid);
			// the killed node observed the arrival: only its upstream record tells
			assertThat(events(recordsUntil(upstream, uid, "presence.online"))).containsExactly("presence.online");

			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

			await().atMost(Duration.ofSeconds(15)).until(() -> seenBy(uid).contains(Type.OFFLINE));
			await().atMost(Duration.ofSeconds(5)).until(() -> seenBy(guid).contains(Type.VACATED));
			assertThat(seenBy(uid)).containsExactlyInAnyOrder(Type.OFFLINE, Type.LEFT);
			assertThat(events(recordsUntil(upstream, uid, "presence.offline"))).contains("presence.offline")
				.doesNotHaveDuplicates();
		}
		finally {
			process.destroyForcibly();
		}
	}

	record Seen(String node, PresenceEvent event) {

		boolean concerns(String subject) {
			return subject.equals(this.event.uid()) || subject.equals(this.event.guid());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Recorder {

		@Bean
		PresenceListener recordingPresenceListener(NodeId node) {
			return (event) -> seen.add(new Seen(node.value(), event));
		}

	}

}
