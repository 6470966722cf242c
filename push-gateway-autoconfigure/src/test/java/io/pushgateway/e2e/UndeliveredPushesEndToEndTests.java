package io.pushgateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.pushgateway.core.AckResult;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.UndeliveredListener;
import io.pushgateway.core.UndeliveredPush;
import io.pushgateway.core.UndeliveredPush.Reason;
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
 * Pushes that ask for a fallback and reach nobody, on three nodes sharing a real
 * {@code redis-server} and a real Kafka broker: each is reported exactly once
 * cluster-wide, to the application's listener and the undelivered topic, with its payload
 * and why; pushes that reached someone are not; the users of a node killed with SIGKILL
 * leave unacknowledged pushes, then offline ones after the sweep.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class UndeliveredPushesEndToEndTests {

	private static final String API_TOKEN = "undelivered-test-api-token";

	/** What every node's listener saw: the node, then the report. */
	static final Queue<Seen> seen = new ConcurrentLinkedQueue<>();

	@RegisterExtension
	static final TestCluster cluster = TestCluster.withKafka(3,
			Map.of("push.gateway.undelivered.kafka.enabled", true, "push.gateway.registry.node-timeout", "2s",
					"push.gateway.registry.node-heartbeat-interval", "250ms", "push.gateway.http-api.enabled", true,
					"push.gateway.http-api.token", API_TOKEN))
		.withProcessNode()
		.with(Recorder.class);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	private static PushOperations push(int node) {
		return cluster.node(node).bean(PushOperations.class);
	}

	private static PresenceOperations presence(int node) {
		return cluster.node(node).bean(PresenceOperations.class);
	}

	private TestClient connect(int port, String uid) {
		TestClient client = TestClient.connect(port, Tokens.forUser(uid));
		this.resources.add(client);
		client.next("welcome");
		return client;
	}

	private KafkaConsumer<String, byte[]> undelivered() {
		KafkaConsumer<String, byte[]> consumer = UpstreamRecords.consumer(cluster.kafkaBootstrapServers(),
				cluster.topic("undelivered"), Map.of());
		this.resources.add(consumer);
		return consumer;
	}

	/**
	 * The records up to and including the one of a push, in topic order per partition.
	 */
	private static List<ConsumerRecord<String, byte[]>> recordsUntil(KafkaConsumer<String, byte[]> consumer,
			String messageId) {
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
				records.add(record);
				if (messageId.equals(UpstreamRecords.header(record, "X-ID"))) {
					return records;
				}
			}
		}
		throw new AssertionError("no undelivered record of " + messageId + "; saw " + records);
	}

	private static List<String> ids(List<ConsumerRecord<String, byte[]>> records) {
		return records.stream().map((record) -> UpstreamRecords.header(record, "X-ID")).toList();
	}

	/** A push to a user nobody knows, whose record marks where a test's records end. */
	private static String marker() {
		return push(0).pushWithFallback(PushTarget.user("marker-" + UUID.randomUUID()), "marker", "m")
			.block()
			.messageId();
	}

	private static List<Seen> seenOf(String messageId) {
		return seen.stream().filter((entry) -> entry.push().messageId().equals(messageId)).toList();
	}

	@Test
	void aPushToAUserOfflineEverywhereIsReportedOnce() {
		KafkaConsumer<String, byte[]> consumer = undelivered();
		String uid = "offline-" + UUID.randomUUID();

		PushResult result = push(1).pushWithFallback(PushTarget.user(uid), "order.shipped", Map.of("order", 7)).block();

		ConsumerRecord<String, byte[]> record = recordsUntil(consumer, result.messageId()).get(0);
		assertThat(record.key()).isEqualTo(uid);
		assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":7}");
		assertThat(UpstreamRecords.header(record, "X-Reason")).isEqualTo("offline");
		assertThat(UpstreamRecords.header(record, "X-Uid")).isEqualTo(uid);
		assertThat(UpstreamRecords.header(record, "X-Target")).isEqualTo("user");
		assertThat(UpstreamRecords.header(record, "X-Event")).isEqualTo("order.shipped");
		assertThat(UpstreamRecords.header(record, "X-Format")).isEqualTo("json");
		assertThat(UpstreamRecords.header(record, "X-Node")).isEqualTo(cluster.node(1).bean(NodeId.class).value());
		await().until(() -> !seenOf(result.messageId()).isEmpty());
		assertThat(seenOf(result.messageId())).singleElement().satisfies((entry) -> {
			assertThat(entry.node()).isEqualTo(cluster.node(1).bean(NodeId.class).value());
			assertThat(entry.push().reason()).isEqualTo(Reason.OFFLINE);
			assertThat(entry.push().target()).isEqualTo(PushTarget.user(uid));
		});
		// nothing more for it: the marker's record comes next
		String marker = marker();
		assertThat(ids(recordsUntil(consumer, marker))).containsExactly(marker);
	}

	@Test
	void aPushThatReachedSomeoneIsNotReportedAndOnlyTheOfflineUsersOfAMultiUserPushAre() {
		KafkaConsumer<String, byte[]> consumer = undelivered();
		String online = "online-" + UUID.randomUUID();
		String offline = "offline-" + UUID.randomUUID();
		TestClient client = connect(cluster.node(2).port(), online);
		await().atMost(Duration.ofSeconds(5)).until(() -> presence(0).isOnline(online).block());

		String reached = push(0).pushWithFallback(PushTarget.user(online), "hello", "1").block().messageId();
		assertThat(client.next("push")).containsEntry("id", reached);
		String both = push(0).pushWithFallback(PushTarget.users(List.of(online, offline)), "both", "2")
			.block()
			.messageId();

		List<ConsumerRecord<String, byte[]>> records = recordsUntil(consumer, both);
		assertThat(ids(records)).containsExactly(both);
		assertThat(records.get(0).key()).isEqualTo(offline);
		String marker = marker();
		assertThat(ids(recordsUntil(consumer, marker))).containsExactly(marker);
		assertThat(seenOf(reached)).isEmpty();
		assertThat(seenOf(both)).extracting((entry) -> entry.push().target()).containsExactly(PushTarget.user(offline));
	}

	@Test
	void anAcknowledgedPushIsNotReportedAndAnUnacknowledgedOneIs() {
		KafkaConsumer<String, byte[]> consumer = undelivered();
		String uid = "acker-" + UUID.randomUUID();
		TestClient client = connect(cluster.node(1).port(), uid);
		await().atMost(Duration.ofSeconds(5)).until(() -> presence(0).isOnline(uid).block());

		var acked = push(0).pushWithAckAndFallback(PushTarget.user(uid), "ask", "1", Duration.ofSeconds(3)).toFuture();
		Map<String, Object> frame = client.next("push");
		client.send("{\"t\":\"ack\",\"id\":\"" + frame.get("id") + "\"}");
		AckResult ackResult = acked.join();
		assertThat(ackResult.acknowledged()).hasSize(1);
		// the client ignores this one
		AckResult ignored = push(0).pushWithAckAndFallback(PushTarget.user(uid), "ask", "2", Duration.ofMillis(500))
			.block();
		assertThat(ignored.acknowledged()).isEmpty();

		List<ConsumerRecord<String, byte[]>> records = recordsUntil(consumer, ignored.messageId());
		assertThat(ids(records)).containsExactly(ignored.messageId());
		assertThat(UpstreamRecords.header(records.get(0), "X-Reason")).isEqualTo("unacknowledged");
		assertThat(seenOf(ackResult.messageId())).isEmpty();
		assertThat(seenOf(ignored.messageId())).singleElement()
			.satisfies((entry) -> assertThat(entry.push().reason()).isEqualTo(Reason.UNACKNOWLEDGED));
	}

	@Test
	void theHttpApiAsksForAFallbackWithAQueryParameter() throws Exception {
		KafkaConsumer<String, byte[]> consumer = undelivered();
		String uid = "http-" + UUID.randomUUID();

		HttpResponse<String> plain = post(uid, "");
		HttpResponse<String> withFallback = post(uid, "&fallback=true");
		assertThat(post(uid, "&fallback=maybe").statusCode()).isEqualTo(400);

		assertThat(plain.statusCode()).isEqualTo(200);
		assertThat(withFallback.statusCode()).isEqualTo(200);
		String messageId = withFallback.body().replaceAll(".*\"messageId\":\"(\\d+)\".*", "$1");
		assertThat(ids(recordsUntil(consumer, messageId))).containsExactly(messageId);
	}

	@Test
	void theUsersOfAKilledNodeLeaveUnacknowledgedThenOfflinePushes() throws Exception {
		KafkaConsumer<String, byte[]> consumer = undelivered();
		String uid = "victim-" + UUID.randomUUID();
		Process process = cluster.processNode();
		try {
			connect(cluster.processNodePort(), uid);
			await().atMost(Duration.ofSeconds(5)).until(() -> presence(0).isOnline(uid).block());

			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			// before the sweep the registry still knows the connection: nobody
			// acknowledges
			AckResult unacknowledged = push(0)
				.pushWithAckAndFallback(PushTarget.user(uid), "lost", "1", Duration.ofMillis(500))
				.block();
			await().atMost(Duration.ofSeconds(15)).until(() -> !presence(0).isOnline(uid).block());
			PushResult offline = push(2).pushWithFallback(PushTarget.user(uid), "lost", "2").block();

			List<ConsumerRecord<String, byte[]>> records = recordsUntil(consumer, offline.messageId());
			assertThat(ids(records)).containsExactly(unacknowledged.messageId(), offline.messageId());
			assertThat(records).extracting((record) -> UpstreamRecords.header(record, "X-Reason"))
				.containsExactly("unacknowledged", "offline");
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static HttpResponse<String> post(String uid, String query) throws Exception {
		return HTTP.send(HttpRequest
			.newBuilder(URI.create(
					"http://127.0.0.1:" + cluster.node(0).port() + "/push-api/users/" + uid + "?event=note" + query))
			.header("Authorization", "Bearer " + API_TOKEN)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}"))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	record Seen(String node, UndeliveredPush push) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Recorder {

		@Bean
		UndeliveredListener recordingUndeliveredListener(NodeId node) {
			return (push) -> seen.add(new Seen(node.value(), push));
		}

	}

}
