package io.pushgateway.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pushgateway.core.PushOperations;
import io.pushgateway.support.KafkaBrokerProcess;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on a Kafka broker that only speaks TLS (a self-signed certificate, no topic
 * creation on first use), configured as a Boot application trusts it: an SSL bundle with
 * the broker's certificate ({@code spring.ssl.bundle.pem.*}) named by
 * {@code spring.kafka.ssl.bundle}. The gateway creates its topics over TLS and carries
 * pushes between the nodes.
 *
 * @author Push Gateway team
 */
class TlsKafkaEndToEndTests {

	private static KafkaBrokerProcess kafka;

	private static final List<TestGateway> nodes = new ArrayList<>();

	@BeforeAll
	static void startCluster() throws Exception {
		kafka = KafkaBrokerProcess.startWithTls();
		for (int i = 0; i < 2; i++) {
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("push.gateway.node.worker-id", i + 1);
			properties.put("push.gateway.bus.type", "kafka");
			properties.put("push.gateway.bus.kafka.topic", "tls.downstream");
			properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
			properties.put("spring.kafka.security.protocol", "SSL");
			properties.put("spring.kafka.ssl.bundle", "kafka");
			properties.put("spring.ssl.bundle.pem.kafka.truststore.certificate", "file:" + kafka.certificate());
			nodes.add(TestGateway.start(properties));
		}
	}

	@AfterAll
	static void stopCluster() {
		nodes.forEach(TestGateway::close);
		kafka.close();
	}

	@Test
	void pushesCrossNodesOverTls() {
		try (TestClient client = TestClient.connect(nodes.get(1).port(), Tokens.forUser("tls-user"))) {
			client.next("welcome");
			nodes.get(0).bean(PushOperations.class).pushToUser("tls-user", "over-tls", "hello").block();
			assertThat(client.next("push")).containsEntry("ev", "over-tls").containsEntry("d", "hello");
		}
	}

}
