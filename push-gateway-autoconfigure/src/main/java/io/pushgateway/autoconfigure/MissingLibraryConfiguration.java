package io.pushgateway.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Turns a silently ignored property into a startup failure that says what is missing.
 *
 * @author Push Gateway team
 */
@Configuration(proxyBeanMethods = false)
class MissingLibraryConfiguration {

	@Bean
	@ConditionalOnMissingClass("org.springframework.data.redis.connection.ReactiveRedisConnectionFactory")
	@ConditionalOnProperty(name = "push.gateway.registry.type", havingValue = "redis")
	Object pushGatewayMissingRedis() {
		throw new IllegalStateException(
				"push.gateway.registry.type=redis needs spring-boot-starter-data-redis-reactive on the classpath");
	}

	@Bean
	@ConditionalOnMissingClass("org.springframework.boot.kafka.autoconfigure.KafkaProperties")
	@ConditionalOnProperty(name = "push.gateway.bus.type", havingValue = "kafka")
	Object pushGatewayMissingKafka() {
		throw new IllegalStateException("push.gateway.bus.type=kafka needs spring-boot-starter-kafka on the classpath");
	}

	@Bean
	@ConditionalOnMissingClass("org.springframework.boot.kafka.autoconfigure.KafkaProperties")
	@ConditionalOnBooleanProperty("push.gateway.upstream.kafka.enabled")
	Object pushGatewayMissingKafkaForUpstream() {
		throw new IllegalStateException(
				"push.gateway.upstream.kafka.enabled=true needs spring-boot-starter-kafka on the classpath");
	}

	@Bean
	@ConditionalOnMissingClass("org.springframework.boot.kafka.autoconfigure.KafkaProperties")
	@ConditionalOnBooleanProperty("push.gateway.undelivered.kafka.enabled")
	Object pushGatewayMissingKafkaForUndelivered() {
		throw new IllegalStateException(
				"push.gateway.undelivered.kafka.enabled=true needs spring-boot-starter-kafka on the classpath");
	}

	@Bean
	@ConditionalOnBooleanProperty("push.gateway.presence.upstream")
	@ConditionalOnBooleanProperty(name = "push.gateway.upstream.kafka.enabled", havingValue = false,
			matchIfMissing = true)
	Object pushGatewayPresenceUpstreamWithoutUpstream() {
		throw new IllegalStateException("push.gateway.presence.upstream=true publishes to the upstream Kafka topic: "
				+ "set push.gateway.upstream.kafka.enabled=true too");
	}

}
