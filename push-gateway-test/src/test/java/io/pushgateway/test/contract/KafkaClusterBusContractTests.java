package io.pushgateway.test.contract;

import java.time.Duration;
import java.util.UUID;

import io.pushgateway.cluster.SkippedRecords;
import io.pushgateway.cluster.kafka.KafkaBusSettings;
import io.pushgateway.cluster.kafka.KafkaClients;
import io.pushgateway.cluster.kafka.KafkaClusterBus;
import io.pushgateway.core.PushRules;
import io.pushgateway.spi.ClusterBus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The cluster bus contract over a real Kafka broker (spring-kafka-test's in-process KRaft
 * broker).
 *
 * @author Push Gateway team
 */
class KafkaClusterBusContractTests extends ClusterBusContract {

	private static EmbeddedKafkaKraftBroker broker;

	private String topic;

	@BeforeAll
	static void startBroker() {
		broker = new EmbeddedKafkaKraftBroker(1, 1);
		broker.afterPropertiesSet();
	}

	@AfterAll
	static void stopBroker() {
		broker.destroy();
	}

	@BeforeEach
	void freshTopic() {
		this.topic = "downstream-" + UUID.randomUUID();
	}

	@Override
	protected ClusterBus createBus(String nodeId) {
		return new KafkaClusterBus(KafkaClients.of(broker.getBrokersAsString()),
				new KafkaBusSettings(this.topic, true, 4, (short) 1, 1000, Duration.ofSeconds(10), 8 * 1024 * 1024, 4),
				nodeId, System::nanoTime, new PushRules(Integer.MAX_VALUE), SkippedRecords.LOG_ONLY);
	}

}
