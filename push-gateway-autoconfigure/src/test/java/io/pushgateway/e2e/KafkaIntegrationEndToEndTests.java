package io.pushgateway.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.pushgateway.core.PushOperations;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestCluster;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import io.pushgateway.support.UpstreamRecords;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Business integration over Kafka on two nodes with a real broker and Redis: client
 * messages reach the upstream topic with their routing in headers and their payload
 * untouched, and business services answer by producing plain records.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class KafkaIntegrationEndToEndTests {

	/** The upstream topic of the isolated node, on a broker of its own: the default. */
	private static final String UPSTREAM = "push-gateway.upstream";

	/*
	 * The application sets a linger.ms of its own, as docs/cluster.md shows: both
	 * producers (the bus's and the upstream's) start with it and carry these tests'
	 * records (until 2026-12-07 any linger.ms above 1 made Kafka refuse the producers).
	 */
	@RegisterExtension
	static final TestCluster cluster = TestCluster.withKafka(2,
			Map.of("push.gateway.upstream.kafka.enabled", true, "push.gateway.bus.kafka.producer[linger.ms]", 5));

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	private TestClient connect(int node, String uid) {
		TestClient client = TestClient.connect(cluster.node(node).port(), Tokens.forUser(uid));
		this.resources.add(0, client);
		return client;
	}

	private KafkaConsumer<String, byte[]> upstreamConsumer() {
		KafkaConsumer<String, byte[]> consumer = UpstreamRecords.consumer(cluster.kafkaBootstrapServers(),
				cluster.topic("upstream"), Map.of());
		this.resources.add(consumer);
		return consumer;
	}

	private static ConsumerRecord<String, byte[]> next(KafkaConsumer<String, byte[]> consumer, String messageId) {
		return UpstreamRecords.next(consumer, messageId);
	}

	private static String header(ConsumerRecord<String, byte[]> record, String name) {
		return UpstreamRecords.header(record, name);
	}

	private static void produce(ProducerRecord<String, String> record) throws Exception {
		Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrapServers());
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
				new StringSerializer())) {
			producer.send(record).get(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void clientMessageArrivesUpstreamWithEveryHeaderAndTheSameBytes() {
		KafkaConsumer<String, byte[]> upstream = upstreamConsumer();
		String uid = "user-" + UUID.randomUUID();
		TestClient client = connect(1, uid);
		Map<String, Object> welcome = client.next("welcome");
		String payload = "{\"items\": [ 1, 2.50, \"ü\" ],\n \"note\" : null }";

		client.send("{\"t\":\"msg\",\"id\":\"m-1\",\"ev\":\"order.create\",\"g\":\"doc-7\",\"d\":" + payload + "}");

		ConsumerRecord<String, byte[]> record = next(upstream, "m-1");
		assertThat(record.key()).isEqualTo(uid);
		assertThat(record.value()).isEqualTo(payload.getBytes(StandardCharsets.UTF_8));
		assertThat(header(record, "X-Uid")).isEqualTo(uid);
		assertThat(header(record, "X-Guid")).isEqualTo("doc-7");
		assertThat(header(record, "X-Event")).isEqualTo("order.create");
		assertThat(header(record, "X-Socket-Id")).isEqualTo(welcome.get("sid"));
		assertThat(header(record, "X-Node")).isEqualTo(welcome.get("node"));
		assertThat(header(record, "X-Format")).isEqualTo("json");
	}

	@Test
	void inProcessHandlersKeepTheirEvents() {
		KafkaConsumer<String, byte[]> upstream = upstreamConsumer();
		TestClient client = connect(0, "user-" + UUID.randomUUID());
		client.next("welcome");

		client.send("{\"t\":\"msg\",\"id\":\"e-1\",\"ev\":\"echo\",\"d\":\"handled here\"}");
		client.send("{\"t\":\"msg\",\"id\":\"k-1\",\"ev\":\"to.kafka\",\"d\":1}");

		assertThat(client.next("reply")).containsEntry("id", "e-1").containsEntry("d", "handled here");
		ConsumerRecord<String, byte[]> record = next(upstream, "k-1");
		assertThat(header(record, "X-Event")).isEqualTo("to.kafka");
		for (ConsumerRecord<String, byte[]> other : upstream.poll(Duration.ofMillis(500))) {
			assertThat(header(other, "X-ID")).isNotEqualTo("e-1");
		}
	}

	@Test
	void replyProducedByAPlainKafkaProducerReachesTheSocket() throws Exception {
		KafkaConsumer<String, byte[]> upstream = upstreamConsumer();
		TestClient client = connect(1, "user-" + UUID.randomUUID());
		client.next("welcome");
		client.send("{\"t\":\"msg\",\"id\":\"q-9\",\"ev\":\"quote.request\",\"d\":{\"sku\":\"A1\"}}");
		ConsumerRecord<String, byte[]> request = next(upstream, "q-9");

		// the business service answers with the routing it was given, in any language
		ProducerRecord<String, String> reply = new ProducerRecord<>(cluster.topic("downstream"),
				"socket:" + header(request, "X-Socket-Id"), "{\"price\":42}");
		reply.headers().add("X-Type", "reply".getBytes(StandardCharsets.UTF_8));
		reply.headers().add("X-Socket-Id", header(request, "X-Socket-Id").getBytes(StandardCharsets.UTF_8));
		reply.headers().add("X-Reply-To", header(request, "X-ID").getBytes(StandardCharsets.UTF_8));
		produce(reply);

		assertThat(client.next("reply")).containsEntry("id", "q-9").containsEntry("d", Map.of("price", 42));
	}

	@Test
	void replyFromApplicationCodeOnAnotherNodeReachesTheSocket() {
		TestClient client = connect(1, "user-" + UUID.randomUUID());
		long sid = Long.parseLong((String) client.next("welcome").get("sid"));

		cluster.node(0).bean(PushOperations.class).reply(sid, "c-3", Map.of("done", true)).block();

		assertThat(client.next("reply")).containsEntry("id", "c-3").containsEntry("d", Map.of("done", true));
	}

	@Test
	void kafkaStoppedUnderLoadAnswersEveryMessageWithTheDocumentedErrorAndKeepsTheConnection() throws Exception {
		EmbeddedKafkaKraftBroker doomed = new EmbeddedKafkaKraftBroker(1, 1);
		doomed.afterPropertiesSet();
		doomed.addTopics(new NewTopic(UPSTREAM, 1, (short) 1));
		TestGateway isolated = TestGateway
			.start(Map.of("push.gateway.upstream.kafka.enabled", true, "push.gateway.bus.kafka.bootstrap-servers",
					doomed.getBrokersAsString(), "push.gateway.upstream.kafka.publish-timeout", "500ms",
					"push.gateway.upstream.kafka.publish-queue-capacity", 8));
		this.resources.add(isolated);
		TestClient client = TestClient.connect(isolated.port(), Tokens.forUser("during-outage"));
		this.resources.add(0, client);
		client.next("welcome");
		// while Kafka runs, a message is taken silently: the next frame is the echo's
		// reply
		client.send("{\"t\":\"msg\",\"id\":\"before\",\"ev\":\"order.create\",\"d\":0}");
		client.send("{\"t\":\"msg\",\"id\":\"e\",\"ev\":\"echo\",\"d\":0}");
		assertThat(client.next()).containsEntry("t", "reply").containsEntry("id", "e");

		doomed.destroy();

		for (int i = 0; i < 100; i++) {
			client.send("{\"t\":\"msg\",\"id\":\"o-" + i + "\",\"ev\":\"order.create\",\"d\":" + i + "}");
		}

		Map<Integer, Integer> codes = new HashMap<>();
		for (int i = 0; i < 100; i++) {
			Map<String, Object> error = client.next("error");
			codes.merge((Integer) error.get("code"), 1, Integer::sum);
		}
		assertThat(codes.keySet()).containsAnyOf(4503).isSubsetOf(4503, 4429);
		assertThat(codes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
		client.send("{\"t\":\"msg\",\"id\":\"alive\",\"ev\":\"echo\",\"d\":1}");
		assertThat(client.next("reply")).containsEntry("id", "alive");
	}

}
