package io.pushgateway.cluster.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pushgateway.cluster.SkippedRecords;
import io.pushgateway.core.PushRules;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What the bus's consumer asks of its Kafka clients: the settings of its design as
 * overrides, the fetch wait as a default that an application's settings may change.
 *
 * @author Push Gateway team
 */
class KafkaBusConsumerSettingsTests {

	@Test
	void theFetchWaitIsADefaultAndTheBusDesignIsAnOverride() {
		List<Map<String, Object>> asked = new CopyOnWriteArrayList<>();
		KafkaClients clients = new KafkaClients() {

			@Override
			public Producer<String, byte[]> producer(String clientId, Map<String, Object> defaults,
					Map<String, Object> overrides) {
				throw new UnsupportedOperationException();
			}

			@Override
			public Consumer<String, byte[]> consumer(String clientId, Map<String, Object> defaults,
					Map<String, Object> overrides) {
				asked.add(defaults);
				asked.add(overrides);
				throw new IllegalStateException("no broker in this test");
			}

			@Override
			public Admin admin() {
				throw new UnsupportedOperationException();
			}

		};
		KafkaBusConsumer consumer = new KafkaBusConsumer(clients,
				new KafkaBusSettings("downstream", false, 1, (short) 1, 2, Duration.ofSeconds(1), 1024 * 1024, 1),
				"node-a",
				new KafkaRecordReader("node-a", "instance", new PushRules(Integer.MAX_VALUE), SkippedRecords.LOG_ONLY));

		assertThatException().isThrownBy(() -> consumer.received().blockFirst(Duration.ofSeconds(10)))
			.withMessageContaining("no broker in this test");
		assertThat(asked).hasSize(2);
		assertThat(asked.get(0)).containsEntry("fetch.max.wait.ms", 500);
		assertThat(asked.get(1)).doesNotContainKey("fetch.max.wait.ms")
			.containsEntry("enable.auto.commit", false)
			.containsEntry("auto.offset.reset", "latest");
	}

}
