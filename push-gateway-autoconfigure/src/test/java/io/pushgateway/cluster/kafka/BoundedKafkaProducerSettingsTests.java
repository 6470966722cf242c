package io.pushgateway.cluster.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.pushgateway.support.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * An application's producer settings beside the gateway's publish timeout: a
 * {@code linger.ms} of its own (as in {@code push.gateway.bus.kafka.producer[linger.ms]})
 * starts the producer and its records reach a real broker; one that cannot fit within the
 * publish timeout is refused with a message that says so.
 *
 * @author Push Gateway team
 */
class BoundedKafkaProducerSettingsTests {

	@Test
	void anApplicationsLingerFitsWithinThePublishTimeoutAndItsRecordsArrive() throws Exception {
		String bootstrap = SharedKafka.bootstrapServers();
		String topic = "linger-" + UUID.randomUUID();
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
			admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
		}
		// until 2026-12-07 the request timeout defaulted to the publish timeout less one
		// millisecond, so any linger.ms above 1 made Kafka refuse the producer
		KafkaClients clients = KafkaClients.of(Map.of("bootstrap.servers", bootstrap, "linger.ms", 20));
		try (BoundedKafkaProducer producer = new BoundedKafkaProducer("linger-test", clients, 16, Duration.ofSeconds(2),
				1024 * 1024)) {
			producer.send((kafka) -> new ProducerRecord<>(topic, "u1", "hello".getBytes(StandardCharsets.UTF_8)))
				.block(Duration.ofSeconds(10));
			assertThat(producer.lastFailure()).isNull();
		}
	}

	@Test
	void aLingerThatCannotFitWithinThePublishTimeoutIsRefusedByName() {
		KafkaClients clients = KafkaClients.of(Map.of("bootstrap.servers", "127.0.0.1:1", "linger.ms", 1500));
		assertThatIllegalStateException()
			.isThrownBy(() -> new BoundedKafkaProducer("too-long", clients, 16, Duration.ofSeconds(2), 1024 * 1024))
			.withMessageContaining("linger.ms plus request.timeout.ms")
			.withMessageContaining("publish timeout of 2000 ms");
	}

}
