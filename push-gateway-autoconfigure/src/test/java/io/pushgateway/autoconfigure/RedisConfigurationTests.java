package io.pushgateway.autoconfigure;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.registry.redis.RedisPresence;
import io.pushgateway.spi.SessionRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

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
	void presenceIsReadFromRedisUnlessTheApplicationAnswersIt() {
		ReactiveWebApplicationContextRunner contextRunner = this.contextRunner.withBean(SessionRegistry.class,
				ReplaceableBeansTests.RecordingRegistry::new);
		contextRunner
			.run((context) -> assertThat(context.getBean(PresenceOperations.class)).isInstanceOf(RedisPresence.class));
		contextRunner.withBean(PresenceOperations.class, ReplaceableBeansTests.RecordingPresence::new)
			.run((context) -> assertThat(context.getBean(PresenceOperations.class))
				.isInstanceOf(ReplaceableBeansTests.RecordingPresence.class));
	}

	/*
	 * What docs/cluster.md tells a Redis Cluster user: Boot's client follows a failover
	 * by itself (adaptive topology refresh, on by default since Boot 4.1), and keeps the
	 * gateway's fail-fast setting.
	 */
	@Test
	void onRedisClusterTheClientFollowsFailoversAndRejectsCommandsWhileDisconnected() {
		this.contextRunner.withBean(SessionRegistry.class, ReplaceableBeansTests.RecordingRegistry::new)
			.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:1")
			.run((context) -> {
				ClientOptions options = clientOptions(context);
				assertThat(options).isInstanceOf(ClusterClientOptions.class);
				assertThat(((ClusterClientOptions) options).getTopologyRefreshOptions().getAdaptiveRefreshTriggers())
					.isNotEmpty();
				assertThat(options.getDisconnectedBehavior())
					.isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
			});
	}

	private static ClientOptions clientOptions(ApplicationContext context) {
		return context.getBean(LettuceConnectionFactory.class)
			.getClientConfiguration()
			.getClientOptions()
			.orElseThrow();
	}

}
