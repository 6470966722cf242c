package io.pushgateway.e2e;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushgateway.core.PushOperations;
import io.pushgateway.support.KafkaBrokerProcess;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import io.pushgateway.support.UpstreamRecords;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Two nodes on a Kafka broker that requires SASL/PLAIN and does not create topics on
 * first use, configured only as any Spring Boot application talks to Kafka
 * ({@code spring.kafka.*}, nothing under {@code push.gateway.bus.kafka}): the gateway
 * creates its topics (downstream, mailbox, upstream) with those credentials, carries
 * pushes between nodes, publishes client messages upstream, and its Kafka clients report
 * to Micrometer; wrong credentials fail startup with a message that says so.
 *
 * @author Push Gateway team
 */
class SecuredKafkaEndToEndTests {

	private static final String UPSTREAM = "secured.upstream";

	private static KafkaBrokerProcess kafka;

	private static final List<TestGateway> nodes = new ArrayList<>();

	@BeforeAll
	static void startCluster() throws Exception {
		kafka = KafkaBrokerProcess.startWithSasl();
		for (int i = 0; i < 2; i++) {
			nodes.add(TestGateway.start(nodeProperties(i + 1, Map.of())));
		}
	}

	@AfterAll
	static void stopCluster() {
		nodes.forEach(TestGateway::close);
		kafka.close();
	}

	private static Map<String, Object> nodeProperties(int workerId, Map<String, Object> extra) {
		return nodeProperties(workerId, KafkaBrokerProcess.SASL_PASSWORD, extra);
	}

	/*
	 * As docs/cluster.md shows it: spring.kafka.* for the connection, push.gateway.* for
	 * the rest.
	 */
	private static Map<String, Object> nodeProperties(int workerId, String password, Map<String, Object> extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("push.gateway.node.worker-id", workerId);
		properties.put("push.gateway.bus.type", "kafka");
		properties.put("push.gateway.bus.kafka.topic", "secured.downstream");
		properties.put("push.gateway.upstream.kafka.enabled", true);
		properties.put("push.gateway.upstream.kafka.topic", UPSTREAM);
		properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
		properties.put("spring.kafka.security.protocol", "SASL_PLAINTEXT");
		Map<String, String> sasl = KafkaBrokerProcess.saslClientProperties(password);
		properties.put("spring.kafka.properties[sasl.mechanism]", sasl.get("sasl.mechanism"));
		properties.put("spring.kafka.properties[sasl.jaas.config]", sasl.get("sasl.jaas.config"));
		// an application's own consumer group must not pull the bus into a group
		properties.put("spring.kafka.consumer.group-id", "the-applications-group");
		properties.putAll(extra);
		return properties;
	}

	private static Map<String, Object> clientProperties() {
		Map<String, Object> config = new HashMap<>(
				KafkaBrokerProcess.saslClientProperties(KafkaBrokerProcess.SASL_PASSWORD));
		config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
		return config;
	}

	@Test
	void theGatewayCreatesItsTopicsWithTheClientsCredentials() throws Exception {
		try (Admin admin = Admin.create(clientProperties())) {
			Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
			assertThat(topics).contains("secured.downstream", "secured.downstream.nodes", UPSTREAM);
		}
	}

	@Test
	void pushesCrossNodesAndClientMessagesReachTheUpstreamTopic() {
		try (TestClient client = TestClient.connect(nodes.get(1).port(), Tokens.forUser("sasl-user"));
				KafkaConsumer<String, byte[]> upstream = upstreamConsumer()) {
			client.next("welcome");
			nodes.get(0).bean(PushOperations.class).pushToUser("sasl-user", "over-sasl", "hello").block();
			assertThat(client.next("push")).containsEntry("ev", "over-sasl").containsEntry("d", "hello");

			client.send("{\"t\":\"msg\",\"id\":\"m-sasl\",\"ev\":\"order.placed\",\"d\":{\"n\":1}}");
			ConsumerRecord<String, byte[]> record = UpstreamRecords.next(upstream, "m-sasl");
			assertThat(record.key()).isEqualTo("sasl-user");
			assertThat(new String(record.headers().lastHeader("X-Event").value())).isEqualTo("order.placed");
		}
	}

	@Test
	void aMissingUpstreamTopicThatMayNotBeCreatedFailsStartupClearly() {
		assertThatException()
			.isThrownBy(() -> TestGateway.start(nodeProperties(3,
					Map.of("push.gateway.upstream.kafka.topic", "never.created",
							"push.gateway.upstream.kafka.create-topic", false))))
			.satisfies((ex) -> assertThat(rootMessage(ex)).contains("Kafka topic 'never.created' does not exist")
				.contains("push.gateway.upstream.kafka.create-topic"));
	}

	@Test
	void wrongCredentialsFailStartupAndSaySo() {
		assertThatException()
			.isThrownBy(() -> TestGateway
				.start(nodeProperties(4, "not-the-password", Map.of("push.gateway.upstream.kafka.enabled", false))))
			.satisfies((ex) -> assertThat(rootMessage(ex)).contains("Kafka refused the gateway's clients")
				.contains("Authentication failed")
				.contains("spring.kafka"));
		assertThatException()
			.isThrownBy(() -> TestGateway
				.start(nodeProperties(5, "not-the-password", Map.of("push.gateway.bus.type", "local"))))
			.satisfies((ex) -> assertThat(rootMessage(ex)).contains("Cannot create Kafka topic '" + UPSTREAM + "'")
				.contains("Authentication failed"));
	}

	@Test
	void theGatewaysKafkaClientsReportToMicrometer() {
		MeterRegistry meters = nodes.get(0).bean(MeterRegistry.class);
		assertThat(clientIds(meters, "kafka.producer.record.send.total")).as("producers with send counters")
			.anyMatch((id) -> id.startsWith("push-gateway-kafka-bus-publisher"))
			.anyMatch((id) -> id.startsWith("push-gateway-kafka-upstream-publisher"));
		assertThat(clientIds(meters, "kafka.consumer.fetch.manager.records.consumed.total"))
			.as("the bus's consumer, by its client ID")
			.anyMatch((id) -> id.startsWith("push-gateway-node-"));
	}

	private static List<String> clientIds(MeterRegistry meters, String name) {
		return meters.find(name).meters().stream().map((meter) -> meter.getId().getTag("client.id")).toList();
	}

	@Test
	void theBusJoinsNoConsumerGroup() throws Exception {
		try (Admin admin = Admin.create(clientProperties())) {
			assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS))
				.noneMatch((group) -> group.groupId().equals("the-applications-group"));
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		StringBuilder messages = new StringBuilder();
		while (cause != null) {
			messages.append(cause.getMessage()).append('\n');
			cause = cause.getCause();
		}
		return messages.toString();
	}

	private static KafkaConsumer<String, byte[]> upstreamConsumer() {
		return UpstreamRecords.consumer(kafka.bootstrapServers(), UPSTREAM,
				KafkaBrokerProcess.saslClientProperties(KafkaBrokerProcess.SASL_PASSWORD));
	}

}
