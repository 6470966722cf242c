package io.pushgateway.autoconfigure;

import io.pushgateway.spi.SessionRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the gateway changes in, and asks of, the application's Redis configuration. No
 * Redis server is needed: nothing here connects.
 *
 * @author Push Gateway team
 */
class RedisConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				DataRedisReactiveAutoConfiguration.class, PushGatewayAutoConfiguration.class))
		.withPropertyValues("push.gateway.registry.type=redis", "spring.data.redis.port=1");

	@Test
	void rejectingCommandsWhileDisconnectedIsOnByDefaultAndCanBeTurnedOff() {
		// a registry of the application's own: the Redis one would connect when it starts
		ReactiveWebApplicationContextRunner contextRunner = this.contextRunner.withBean(SessionRegistry.class,
				ReplaceableBeansTests.RecordingRegistry::new);
		contextRunner.run((context) -> assertThat(context).hasSingleBean(LettuceClientOptionsBuilderCustomizer.class));
		contextRunner.withPropertyValues("push.gateway.registry.reject-commands-while-disconnected=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LettuceClientOptionsBuilderCustomizer.class));
	}

	@Test
	void aRedisClusterFailsStartupWithAClearMessage() {
		this.contextRunner.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("does not support Redis Cluster yet"));
	}

}
