package io.pushgateway.cluster.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Where the gateway's Kafka clients come from: the connection and security settings
 * (bootstrap servers, TLS, SASL) live here, and the bus and the upstream publisher add
 * only their own bounds. In a Spring Boot application they are Boot's
 * ({@code spring.kafka.*}, connection details, SSL bundles, factory customizers, client
 * metrics); {@link #of(Map)} makes plain clients from a map.
 *
 * @author Push Gateway team
 */
public interface KafkaClients {

	/**
	 * Create a producer of string keys and byte values.
	 * @param clientId its {@code client.id}
	 * @param defaults settings used unless the connection settings name them
	 * @param overrides settings that win over the connection settings
	 * @return the producer, closed by the caller
	 */
	Producer<String, byte[]> producer(String clientId, Map<String, Object> defaults, Map<String, Object> overrides);

	/**
	 * Create a consumer of string keys and byte values, without a consumer group.
	 * @param clientId its {@code client.id}
	 * @param defaults settings used unless the connection settings name them
	 * @param overrides settings that win over the connection settings
	 * @return the consumer, closed by the caller
	 */
	Consumer<String, byte[]> consumer(String clientId, Map<String, Object> defaults, Map<String, Object> overrides);

	/**
	 * Create an admin client with the same connection and security settings.
	 * @return the admin client, closed by the caller
	 */
	Admin admin();

	/**
	 * The admin client settings among client settings: every property that is also an
	 * admin client setting ({@code bootstrap.servers}, {@code security.protocol},
	 * {@code sasl.*}, {@code ssl.*}, ...), so topics can be created on a cluster that
	 * needs credentials. The client ID is left out.
	 * @param clients producer or consumer properties
	 * @return the admin client's properties
	 */
	static Map<String, Object> adminSettings(Map<String, ?> clients) {
		Set<String> adminNames = AdminClientConfig.configNames();
		Map<String, Object> properties = new HashMap<>();
		clients.forEach((name, value) -> {
			if ((adminNames.contains(name) || name.startsWith("sasl.") || name.startsWith("ssl."))
					&& !name.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
				properties.put(name, value);
			}
		});
		return properties;
	}

	/**
	 * Plain clients that share one map of connection and security settings.
	 * @param common the settings of every client, at least {@code bootstrap.servers}
	 * @return the clients
	 */
	static KafkaClients of(Map<String, Object> common) {
		return new KafkaClients() {

			@Override
			public Producer<String, byte[]> producer(String clientId, Map<String, Object> defaults,
					Map<String, Object> overrides) {
				Map<String, Object> properties = new HashMap<>(defaults);
				properties.putAll(common);
				properties.putAll(overrides);
				properties.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
				return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
			}

			@Override
			public Consumer<String, byte[]> consumer(String clientId, Map<String, Object> defaults,
					Map<String, Object> overrides) {
				Map<String, Object> properties = new HashMap<>(defaults);
				properties.putAll(common);
				properties.putAll(overrides);
				properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
				return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
			}

			@Override
			public Admin admin() {
				return Admin.create(adminSettings(common));
			}

			@Override
			public String toString() {
				return "KafkaClients[" + common.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) + "]";
			}

		};
	}

	/**
	 * Plain clients of a broker that needs no credentials.
	 * @param bootstrapServers the bootstrap servers
	 * @return the clients
	 */
	static KafkaClients of(String bootstrapServers) {
		return of(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
	}

}
