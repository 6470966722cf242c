package io.pushgateway.autoconfigure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.pushgateway.cluster.kafka.KafkaClients;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.kafka.autoconfigure.SslBundleSslEngineFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.util.StringUtils;

/**
 * The gateway's Kafka clients, configured as every Kafka client of a Spring Boot
 * application is: {@code spring.kafka.*} ({@link KafkaProperties}), the
 * {@link KafkaConnectionDetails} (bootstrap servers, security protocol, SSL bundle), and
 * Boot's producer and consumer factory customizers, which is how Kafka client metrics
 * reach Micrometer. Then the gateway's own client settings, where set, win:
 * {@code push.gateway.bus.kafka.bootstrap-servers}, {@code .producer} and
 * {@code .consumer}; and last each client's bounds (publish timeout, buffer memory, no
 * consumer group).
 *
 * @author Push Gateway team
 */
final class SpringKafkaClients implements KafkaClients, DisposableBean {

	private final KafkaProperties boot;

	private final KafkaConnectionDetails connection;

	private final BusProperties.Kafka gateway;

	private final List<DefaultKafkaProducerFactoryCustomizer> producerCustomizers;

	private final List<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers;

	/** Closed with the context: a producer from a factory only really closes with it. */
	private final List<DefaultKafkaProducerFactory<String, byte[]>> producerFactories = new ArrayList<>();

	SpringKafkaClients(KafkaProperties boot, KafkaConnectionDetails connection, BusProperties.Kafka gateway,
			List<DefaultKafkaProducerFactoryCustomizer> producerCustomizers,
			List<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers) {
		this.boot = boot;
		this.connection = connection;
		this.gateway = gateway;
		this.producerCustomizers = producerCustomizers;
		this.consumerCustomizers = consumerCustomizers;
	}

	@Override
	public Producer<String, byte[]> producer(String clientId, Map<String, Object> defaults,
			Map<String, Object> overrides) {
		DefaultKafkaProducerFactory<String, byte[]> factory = new DefaultKafkaProducerFactory<>(
				producerProperties(clientId, defaults, overrides), new StringSerializer(), new ByteArraySerializer());
		factory.setBeanName("pushGateway");
		this.producerCustomizers.forEach((customizer) -> customizer.customize(factory));
		synchronized (this.producerFactories) {
			this.producerFactories.add(factory);
		}
		return factory.createProducer();
	}

	Map<String, Object> producerProperties(String clientId, Map<String, Object> defaults,
			Map<String, Object> overrides) {
		Map<String, Object> properties = new HashMap<>(defaults);
		properties.putAll(this.boot.buildProducerProperties());
		apply(properties, this.connection.getProducer());
		properties.putAll(this.gateway.getProducer());
		properties.putAll(overrides);
		properties.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
		// a transactional Boot producer factory is the application's; the gateway's
		// records are never part of its transactions
		properties.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		return properties;
	}

	@Override
	public Consumer<String, byte[]> consumer(String clientId, Map<String, Object> defaults,
			Map<String, Object> overrides) {
		DefaultKafkaConsumerFactory<String, byte[]> factory = new DefaultKafkaConsumerFactory<>(
				consumerProperties(clientId, defaults, overrides), new StringDeserializer(),
				new ByteArrayDeserializer());
		factory.setBeanName("pushGateway");
		this.consumerCustomizers.forEach((customizer) -> customizer.customize(factory));
		return factory.createConsumer();
	}

	Map<String, Object> consumerProperties(String clientId, Map<String, Object> defaults,
			Map<String, Object> overrides) {
		Map<String, Object> properties = new HashMap<>(defaults);
		properties.putAll(this.boot.buildConsumerProperties());
		apply(properties, this.connection.getConsumer());
		properties.putAll(this.gateway.getConsumer());
		properties.putAll(overrides);
		properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
		// the bus assigns itself partitions: no group, so nothing is ever rebalanced or
		// committed on the application's groups
		properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
		properties.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		return properties;
	}

	@Override
	public Admin admin() {
		return Admin.create(adminProperties());
	}

	Map<String, Object> adminProperties() {
		Map<String, Object> properties = new HashMap<>(this.boot.buildAdminProperties());
		apply(properties, this.connection.getAdmin());
		properties.putAll(KafkaClients.adminSettings(this.gateway.getConsumer()));
		properties.putAll(KafkaClients.adminSettings(this.gateway.getProducer()));
		properties.put(CommonClientConfigs.CLIENT_ID_CONFIG, "push-gateway-admin");
		return properties;
	}

	private void apply(Map<String, Object> properties, KafkaConnectionDetails.Configuration connection) {
		properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, connection.getBootstrapServers());
		String securityProtocol = connection.getSecurityProtocol();
		if (StringUtils.hasLength(securityProtocol)) {
			properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol);
		}
		SslBundle sslBundle = connection.getSslBundle();
		if (sslBundle != null) {
			properties.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, SslBundleSslEngineFactory.class);
			properties.put(SslBundle.class.getName(), sslBundle);
		}
		String bootstrapServers = this.gateway.getBootstrapServers();
		if (bootstrapServers != null) {
			properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		}
	}

	@Override
	public void destroy() {
		synchronized (this.producerFactories) {
			this.producerFactories.forEach(DefaultKafkaProducerFactory::destroy);
			this.producerFactories.clear();
		}
	}

	@Override
	public String toString() {
		String servers = this.gateway.getBootstrapServers();
		return "SpringKafkaClients[" + ((servers != null) ? servers : this.connection.getBootstrapServers()) + "]";
	}

}
