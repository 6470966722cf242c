package io.pushgateway.autoconfigure;

import java.util.List;
import java.util.Map;

import io.pushgateway.cluster.LocalClusterBus;
import io.pushgateway.cluster.kafka.KafkaClients;
import io.pushgateway.spi.ClusterBus;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.kafka.autoconfigure.SslBundleSslEngineFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the gateway's Kafka clients are configured: from {@code spring.kafka.*} and the
 * application's connection details as every Boot Kafka client is, the gateway's own
 * settings winning where set, and its bounds last. Nothing here connects: the bus is
 * replaced, and the client settings are read before any client exists.
 *
 * @author Push Gateway team
 */
class KafkaConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, PushGatewayAutoConfiguration.class))
		.withBean(ClusterBus.class, LocalClusterBus::new)
		.withPropertyValues("push.gateway.bus.type=kafka");

	@Test
	void springKafkaPropertiesConfigureEveryClient() {
		this.contextRunner
			.withPropertyValues("spring.kafka.bootstrap-servers=kafka-a:9093",
					"spring.kafka.security.protocol=SASL_SSL", "spring.kafka.properties[sasl.mechanism]=SCRAM-SHA-512",
					"spring.kafka.producer.acks=all", "spring.kafka.producer.properties[linger.ms]=7",
					"spring.kafka.producer.properties[max.block.ms]=600000",
					"spring.kafka.consumer.group-id=the-applications-group")
			.run((context) -> {
				SpringKafkaClients clients = (SpringKafkaClients) context.getBean(KafkaClients.class);
				Map<String, Object> producer = clients.producerProperties("p", Map.of("linger.ms", 1),
						Map.of("max.block.ms", 1000));
				assertThat(producer).containsEntry("bootstrap.servers", List.of("kafka-a:9093"))
					.containsEntry("security.protocol", "SASL_SSL")
					.containsEntry("sasl.mechanism", "SCRAM-SHA-512")
					.containsEntry("acks", "all")
					.as("the application's linger.ms beats the gateway's default")
					.containsEntry("linger.ms", "7")
					.as("the gateway's bound beats the application's")
					.containsEntry("max.block.ms", 1000)
					.containsEntry("client.id", "p");
				Map<String, Object> consumer = clients.consumerProperties("c", Map.of("fetch.max.wait.ms", 10),
						Map.of("enable.auto.commit", false));
				assertThat(consumer).containsEntry("bootstrap.servers", List.of("kafka-a:9093"))
					.containsEntry("fetch.max.wait.ms", 10)
					.containsEntry("sasl.mechanism", "SCRAM-SHA-512")
					.containsEntry("enable.auto.commit", false)
					.as("the bus joins no consumer group")
					.doesNotContainKey("group.id");
				assertThat(clients.adminProperties()).containsEntry("bootstrap.servers", List.of("kafka-a:9093"))
					.containsEntry("security.protocol", "SASL_SSL")
					.containsEntry("sasl.mechanism", "SCRAM-SHA-512");
			});
	}

	@Test
	void theGatewaysOwnClientSettingsWinWhereSet() {
		this.contextRunner
			.withPropertyValues("spring.kafka.bootstrap-servers=kafka-a:9093", "spring.kafka.producer.acks=all",
					"push.gateway.bus.kafka.bootstrap-servers=kafka-b:9092", "push.gateway.bus.kafka.producer[acks]=1",
					"push.gateway.bus.kafka.producer[sasl.mechanism]=PLAIN",
					"push.gateway.bus.kafka.consumer[max.poll.records]=50",
					"push.gateway.bus.kafka.consumer[fetch.max.wait.ms]=500")
			.run((context) -> {
				SpringKafkaClients clients = (SpringKafkaClients) context.getBean(KafkaClients.class);
				assertThat(clients.producerProperties("p", Map.of(), Map.of()))
					.containsEntry("bootstrap.servers", "kafka-b:9092")
					.containsEntry("acks", "1");
				assertThat(clients.consumerProperties("c", Map.of("fetch.max.wait.ms", 10), Map.of()))
					.containsEntry("bootstrap.servers", "kafka-b:9092")
					.containsEntry("max.poll.records", "50")
					.as("the application's fetch wait beats the bus's default")
					.containsEntry("fetch.max.wait.ms", "500");
				assertThat(clients.adminProperties()).containsEntry("bootstrap.servers", "kafka-b:9092")
					.containsEntry("sasl.mechanism", "PLAIN")
					.doesNotContainKey("acks");
			});
	}

	@Test
	void theApplicationsConnectionDetailsAndSslBundleApply() {
		SslBundle bundle = SslBundle.of(SslStoreBundle.NONE);
		KafkaConnectionDetails details = new KafkaConnectionDetails() {

			@Override
			public List<String> getBootstrapServers() {
				return List.of("from-details:9094");
			}

			@Override
			public SslBundle getSslBundle() {
				return bundle;
			}

		};
		this.contextRunner.withBean(KafkaConnectionDetails.class, () -> details).run((context) -> {
			SpringKafkaClients clients = (SpringKafkaClients) context.getBean(KafkaClients.class);
			for (Map<String, Object> properties : List.of(clients.producerProperties("p", Map.of(), Map.of()),
					clients.consumerProperties("c", Map.of(), Map.of()), clients.adminProperties())) {
				assertThat(properties).containsEntry("bootstrap.servers", List.of("from-details:9094"))
					.containsEntry("ssl.engine.factory.class", SslBundleSslEngineFactory.class)
					.containsEntry(SslBundle.class.getName(), bundle);
			}
		});
	}

	@Test
	void withoutBootsKafkaSupportAKafkaBusFailsStartupAndSaysWhatIsMissing() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(KafkaProperties.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("needs spring-boot-starter-kafka"));
	}

}
