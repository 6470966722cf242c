package io.pushgateway.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import io.pushgateway.support.UpstreamRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The downstream record contract of {@code docs/kafka.md}, tried as a service written
 * from the docs alone would: a plain Kafka producer (no gateway code) writes records with
 * headers, against two nodes. Valid records reach clients; every malformed one is
 * skipped, counted by reason and never put on a socket; records without {@code X-ID} get
 * one ID on every node; a reply that echoes the upstream record's headers is delivered.
 *
 * @author Push Gateway team
 */
@ExtendWith({ BlockHoundExtension.class, OutputCaptureExtension.class })
class KafkaRecordContractEndToEndTests {

	private static final String DOWNSTREAM = "push-gateway.downstream";

	private static final String UPSTREAM = "push-gateway.upstream";

	private static EmbeddedKafkaKraftBroker kafka;

	private static KafkaProducer<String, byte[]> producer;

	private static final List<TestGateway> nodes = new ArrayList<>();

	private final List<AutoCloseable> resources = new ArrayList<>();

	@BeforeAll
	static void startCluster() {
		kafka = new EmbeddedKafkaKraftBroker(1, 3);
		kafka.afterPropertiesSet();
		for (int i = 0; i < 2; i++) {
			nodes.add(TestGateway.start(Map.of("push.gateway.node.worker-id", i + 1, "push.gateway.bus.type", "kafka",
					"push.gateway.bus.kafka.bootstrap-servers", kafka.getBrokersAsString(),
					"push.gateway.upstream.kafka.enabled", true, "push.gateway.limits.max-payload-size", "1KB")));
		}
		producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()),
				new StringSerializer(), new ByteArraySerializer());
	}

	@AfterAll
	static void stopCluster() {
		producer.close();
		nodes.forEach(TestGateway::close);
		kafka.destroy();
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	private TestClient connect(int node, String uid, String subprotocol) {
		TestClient client = TestClient.connect(nodes.get(node).port(), "?access_token=" + Tokens.forUser(uid),
				subprotocol, Map.of());
		this.resources.add(0, client);
		client.next("welcome");
		return client;
	}

	/** Produces a record as the console producer line of docs/kafka.md would. */
	@Test
	void aRecordProducedAgainWithTheSameXIdIsDeliveredOnce() throws Exception {
		String uid = "repeated-" + UUID.randomUUID();
		TestClient client = connect(1, uid, "push.v1.json");
		String id = Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
		byte[] one = "1".getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < 3; i++) {
			// a producer that retried, or a service that sent its push again
			produce("user:" + uid, one, "X-Target", "user", "X-Uid", uid, "X-Event", "once", "X-ID", id);
		}
		push(uid, "after", "2");
		assertThat(client.next("push")).containsEntry("ev", "once").containsEntry("id", id);
		assertThat(client.next("push")).containsEntry("ev", "after");
	}

	@Test
	void hugeRecordsAndAFloodOfRecordsTakeNoNodeDown() throws Exception {
		// the abuse suite's Kafka part: a record far above max-payload-size, then a flood
		// of 20,000 records for a user who is connected and one who is not; each node
		// skips the huge one, bounds what it queues for the client, and a bystander on
		// the other node misses nothing
		String uid = "flooded-" + UUID.randomUUID();
		String bystanderUid = "bystander-" + UUID.randomUUID();
		TestClient flooded = connect(0, uid, "push.v1.json");
		TestClient bystander = connect(1, bystanderUid, "push.v1.json");
		double tooLarge = skipped(0, "payload_too_large");
		byte[] huge = new byte[900 * 1024];
		Arrays.fill(huge, (byte) '1');
		produce("user:" + uid, huge, "X-Target", "user", "X-Uid", uid, "X-Event", "huge");
		byte[] small = "1".getBytes(StandardCharsets.UTF_8);
		List<Future<RecordMetadata>> sent = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			for (String target : List.of(uid, "nobody-" + (i % 100))) {
				ProducerRecord<String, byte[]> record = new ProducerRecord<>(DOWNSTREAM, "user:" + target, small);
				record.headers().add("X-Target", "user".getBytes(StandardCharsets.UTF_8));
				record.headers().add("X-Uid", target.getBytes(StandardCharsets.UTF_8));
				record.headers().add("X-Event", "flood".getBytes(StandardCharsets.UTF_8));
				sent.add(producer.send(record));
			}
		}
		for (Future<RecordMetadata> record : sent) {
			record.get(30, TimeUnit.SECONDS);
		}
		push(bystanderUid, "marker", "\"after the flood\"");
		assertThat(bystander.next("push")).containsEntry("ev", "marker");
		await().atMost(Duration.ofSeconds(10)).until(() -> skipped(0, "payload_too_large") > tooLarge);
		// the flooded client got its pushes in order, or was closed as too slow (4002):
		// never the huge one
		int floods = 0;
		while (floods < 10_000 && !flooded.isClosed()) {
			Map<String, Object> frame = flooded.next("push");
			assertThat(frame).containsEntry("ev", "flood");
			floods++;
		}
		assertThat(floods == 10_000 || flooded.awaitClose().code() == 4002).as("all arrived, or closed as too slow")
			.isTrue();
		// the node still serves
		TestClient fresh = connect(0, "fresh-" + UUID.randomUUID(), "push.v1.json");
		assertThat(fresh.isClosed()).isFalse();
	}

	private static RecordMetadata produce(String key, byte[] value, String... headers) throws Exception {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(DOWNSTREAM, key, value);
		for (int i = 0; i < headers.length; i += 2) {
			record.headers().add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
		}
		return producer.send(record).get(30, TimeUnit.SECONDS);
	}

	private static RecordMetadata push(String uid, String event, String json) throws Exception {
		return produce("user:" + uid, (json != null) ? json.getBytes(StandardCharsets.UTF_8) : null, "X-Target", "user",
				"X-Uid", uid, "X-Event", event);
	}

	private static double skipped(int node, String reason) {
		return nodes.get(node)
			.bean(MeterRegistry.class)
			.counter("push.gateway.bus.records.skipped", "reason", reason)
			.count();
	}

	@Test
	void recordsThatAreNotOneJsonValueNeverReachAClient() throws Exception {
		String uid = "json-" + UUID.randomUUID();
		TestClient json = connect(0, uid, "push.v1.json");
		TestClient msgpack = connect(1, uid, "push.v1.msgpack");
		double before = skipped(0, "invalid_json");

		push(uid, "x", "{\"broken\": ");
		push(uid, "x", "{\"a\":1} {\"b\":2}");
		produce("user:" + uid, "{\"r\":".getBytes(StandardCharsets.UTF_8), "X-Type", "reply", "X-Socket-Id", "1",
				"X-Reply-To", "m1");
		push(uid, "tombstone", null);
		push(uid, "empty", "");
		push(uid, "fine", "  {\"ok\":[1,2]} ");

		assertThat(json.next("push")).containsEntry("ev", "tombstone").containsEntry("d", null);
		assertThat(json.next("push")).containsEntry("ev", "empty").containsEntry("d", null);
		assertThat(json.next("push")).containsEntry("ev", "fine").containsEntry("d", Map.of("ok", List.of(1, 2)));
		// MessagePack carries a JSON document as its text in 'j'
		assertThat(msgpack.next("push")).containsEntry("ev", "tombstone").containsEntry("j", "null");
		assertThat(msgpack.next("push")).containsEntry("ev", "empty").containsEntry("j", "null");
		assertThat(new JsonMapper().readTree((String) msgpack.next("push").get("j")).toString())
			.isEqualTo("{\"ok\":[1,2]}");
		for (int node = 0; node < 2; node++) {
			int n = node;
			await().untilAsserted(() -> assertThat(skipped(n, "invalid_json") - before).isEqualTo(3));
		}
	}

	@Test
	void jsonAndTextRecordsThatAreNotUtf8NeverReachAClient() throws Exception {
		String uid = "utf8-" + UUID.randomUUID();
		TestClient client = connect(0, uid, "push.v1.json");
		double before0 = skipped(0, "invalid_utf8");
		double before1 = skipped(1, "invalid_utf8");
		// an encoded surrogate, an overlong '/', a code point above U+10FFFF
		byte[][] notUtf8 = { { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, { (byte) 0xC0, (byte) 0xAF },
				{ (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 } };
		for (byte[] invalid : notUtf8) {
			byte[] json = new byte[invalid.length + 2];
			json[0] = '"';
			System.arraycopy(invalid, 0, json, 1, invalid.length);
			json[json.length - 1] = '"';
			produce("user:" + uid, json, "X-Target", "user", "X-Uid", uid, "X-Event", "x");
			produce("user:" + uid, invalid, "X-Target", "user", "X-Uid", uid, "X-Event", "x", "X-Format", "text");
			produce("socket:1", invalid, "X-Type", "reply", "X-Socket-Id", "1", "X-Reply-To", "m1", "X-Format", "text");
		}
		produce("user:" + uid, "caf\u00e9".getBytes(StandardCharsets.UTF_8), "X-Target", "user", "X-Uid", uid,
				"X-Event", "after", "X-Format", "text");

		// nothing malformed reached the client: the next push is the valid one
		assertThat(client.next("push")).containsEntry("ev", "after").containsEntry("d", "caf\u00e9");
		await().untilAsserted(() -> {
			assertThat(skipped(0, "invalid_utf8") - before0).isEqualTo(9);
			assertThat(skipped(1, "invalid_utf8") - before1).isEqualTo(9);
		});
	}

	@Test
	void malformedRecordsAreCountedByReasonAndLoggedSampled(CapturedOutput output) throws Exception {
		String uid = "malformed-" + UUID.randomUUID();
		TestClient client = connect(1, uid, "push.v1.json");
		Map<String, Double> before = Map.of("unknown_target", skipped(1, "unknown_target"), "missing_header",
				skipped(1, "missing_header"), "unknown_format", skipped(1, "unknown_format"), "invalid_number",
				skipped(1, "invalid_number"), "unknown_type", skipped(1, "unknown_type"), "invalid_event",
				skipped(1, "invalid_event"), "payload_too_large", skipped(1, "payload_too_large"));
		byte[] one = "1".getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < 20; i++) {
			produce("k", one, "X-Target", "planet", "X-Event", "x");
			produce("k", one, "X-Target", "user", "X-Uid", uid);
			produce("k", one, "X-Target", "user", "X-Uid", uid, "X-Event", "x", "X-Format", "xml");
			produce("k", one, "X-Target", "user", "X-Uid", uid, "X-Event", "x", "X-ID", "abc");
			produce("k", one, "X-Target", "socket", "X-Socket-Id", "12a", "X-Event", "x");
			produce("k", one, "X-Type", "bogus", "X-Target", "user", "X-Uid", uid, "X-Event", "x");
			produce("k", one, "X-Target", "user", "X-Uid", uid, "X-Event", "e".repeat(129));
			produce("k", new byte[1025], "X-Target", "user", "X-Uid", uid, "X-Event", "x", "X-Format", "binary");
		}
		push(uid, "after", "1");

		// nothing malformed reached the client: the next push is the valid one
		assertThat(client.next("push")).containsEntry("ev", "after");
		Map<String, Integer> expected = Map.of("unknown_target", 20, "missing_header", 20, "unknown_format", 20,
				"invalid_number", 40, "unknown_type", 20, "invalid_event", 20, "payload_too_large", 20);
		await().untilAsserted(
				() -> expected.forEach((reason, count) -> assertThat(skipped(1, reason) - before.get(reason)).as(reason)
					.isEqualTo(count.doubleValue())));
		List<String> lines = output.getAll().lines().filter((line) -> line.contains("Skipped record")).toList();
		// one sampled line per node and minute at most (an earlier test may have used
		// this minute's), for 160 bad records on each node
		assertThat(lines).hasSizeLessThanOrEqualTo(2);
		assertThat(output.getAll()).doesNotContain("No enum constant").doesNotContain("io.pushgateway.core");
	}

	@Test
	void aRecordWithoutIdGetsTheSameIdOnEveryNode() throws Exception {
		String uid = "no-id-" + UUID.randomUUID();
		TestClient first = connect(0, uid, "push.v1.json");
		TestClient second = connect(1, uid, "push.v1.json");

		RecordMetadata written = push(uid, "idless", "{}");

		String id = (String) first.next("push").get("id");
		assertThat(second.next("push").get("id")).isEqualTo(id);
		assertThat(Long.parseLong(id)).isEqualTo(SnowflakeIdGenerator.derivedId(written.partition(), written.offset()));
	}

	@Test
	void aReplyThatEchoesTheUpstreamHeadersReachesTheSocket() throws Exception {
		TestClient client = connect(1, "echo-" + UUID.randomUUID(), "push.v1.json");
		try (KafkaConsumer<String, byte[]> upstream = upstreamConsumer()) {
			client.send("{\"t\":\"msg\",\"id\":\"q-1\",\"ev\":\"quote\",\"d\":{\"sku\":\"A1\"}}");
			ConsumerRecord<String, byte[]> request = nextRecord(upstream, "q-1");

			// the service copies every header it received (X-Node among them) and adds
			// its own
			ProducerRecord<String, byte[]> reply = new ProducerRecord<>(DOWNSTREAM,
					"socket:" + header(request, "X-Socket-Id"), "{\"price\":42}".getBytes(StandardCharsets.UTF_8));
			for (Header header : request.headers()) {
				reply.headers().add(header.key(), header.value());
			}
			reply.headers().add("X-Type", "reply".getBytes(StandardCharsets.UTF_8));
			reply.headers().add("X-Reply-To", header(request, "X-ID").getBytes(StandardCharsets.UTF_8));
			producer.send(reply).get(30, TimeUnit.SECONDS);
		}
		assertThat(client.next("reply")).containsEntry("id", "q-1").containsEntry("d", Map.of("price", 42));
	}

	private static KafkaConsumer<String, byte[]> upstreamConsumer() {
		return UpstreamRecords.consumer(kafka.getBrokersAsString(), UPSTREAM, Map.of());
	}

	private static ConsumerRecord<String, byte[]> nextRecord(KafkaConsumer<String, byte[]> consumer, String id) {
		return UpstreamRecords.next(consumer, id);
	}

	private static String header(ConsumerRecord<String, byte[]> record, String name) {
		return UpstreamRecords.header(record, name);
	}

}
