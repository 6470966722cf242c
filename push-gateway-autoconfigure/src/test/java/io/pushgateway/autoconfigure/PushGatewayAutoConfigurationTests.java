package io.pushgateway.autoconfigure;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.pushgateway.cluster.LocalClusterBus;
import io.pushgateway.core.AckResult;
import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PresenceEvent.Type;
import io.pushgateway.core.PresenceListener;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushTarget;
import io.pushgateway.http.HttpPushApi;
import io.pushgateway.hub.FakeConnection;
import io.pushgateway.hub.GuidPresenceFrames;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.NodeLifecycle;
import io.pushgateway.hub.PresenceEvents;
import io.pushgateway.hub.PushTemplate;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.registry.InMemoryPresence;
import io.pushgateway.registry.InMemorySessionRegistry;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.PushAuthenticator;
import io.pushgateway.spi.SessionRegistry;
import io.pushgateway.transport.websocket.WebSocketRouteProvider;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PushGatewayAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushGatewayAutoConfiguration.class));

	@Test
	void embeddedDefaultCreatesASingleNodeGateway() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(PushTemplate.class);
			assertThat(context).hasSingleBean(LocalHub.class);
			assertThat(context).hasSingleBean(NodeLifecycle.class);
			assertThat(context).hasSingleBean(WebSocketRouteProvider.class);
			assertThat(context).hasSingleBean(PushAuthenticator.class);
			assertThat(context.getBean(ClusterBus.class)).isInstanceOf(LocalClusterBus.class);
			assertThat(context.getBean(GuidAuthorizer.class)).isSameAs(GuidAuthorizer.DENY_ALL);
			assertThat(context.getBean(SessionRegistry.class)).isInstanceOf(InMemorySessionRegistry.class);
			assertThat(context.getBean(PresenceOperations.class)).isInstanceOf(InMemoryPresence.class);
			assertThat(context).doesNotHaveBean(HttpPushApi.class);
		});
	}

	@Test
	void applicationBeansReplaceTheDefaults() {
		this.contextRunner.withUserConfiguration(CustomBeans.class).run((context) -> {
			assertThat(context.getBean(PushAuthenticator.class)).isSameAs(CustomBeans.AUTHENTICATOR);
			assertThat(context.getBean(ClusterBus.class)).isInstanceOf(CustomBeans.RecordingBus.class);
			assertThat(context.getBean(GuidAuthorizer.class)).isSameAs(GuidAuthorizer.ALLOW_ALL);
			assertThat(context).getBeans(PushOperations.class).hasSize(1);
			assertThat(context.getBean(PushOperations.class)).isSameAs(CustomBeans.OPERATIONS);
		});
	}

	@Test
	void pushTemplatePublishesToTheClusterBus() {
		this.contextRunner.withBean(ClusterBus.class, CustomBeans.RecordingBus::new).run((context) -> {
			PushResult result = context.getBean(PushOperations.class).pushToUser("alice", "e", "x").block();
			CustomBeans.RecordingBus bus = context.getBean(CustomBeans.RecordingBus.class);
			assertThat(bus.published).isEqualTo(Long.parseLong(result.messageId()));
		});
	}

	@Test
	void propertiesAreBound() {
		this.contextRunner
			.withPropertyValues("push.gateway.websocket.path=/socket", "push.gateway.websocket.max-frame-size=1MB",
					"push.gateway.heartbeat.interval=10s", "push.gateway.limits.max-connections-per-user=3",
					"push.gateway.node.worker-id-strategy=pod-ordinal", "push.gateway.node.hostname=gateway-12")
			.run((context) -> {
				PushGatewayProperties properties = context.getBean(PushGatewayProperties.class);
				assertThat(properties.getWebsocket().getPath()).isEqualTo("/socket");
				assertThat(properties.getWebsocket().getMaxFrameSize().toBytes()).isEqualTo(1024 * 1024);
				assertThat(properties.getHeartbeat().getInterval()).isEqualTo(Duration.ofSeconds(10));
				assertThat(properties.getLimits().getMaxConnectionsPerUser()).isEqualTo(3);
				long id = context.getBean(SnowflakeIdGenerator.class).nextId();
				assertThat(SnowflakeIdGenerator.workerIdOf(id)).isEqualTo(12);
			});
	}

	@Test
	void presenceListenersHearTheEmbeddedRegistryWhenPresenceIsEnabled() {
		Queue<PresenceEvent> events = new ConcurrentLinkedQueue<>();
		this.contextRunner
			.withPropertyValues("push.gateway.presence.enabled=true", "push.gateway.presence.grace-period=0s",
					"push.gateway.presence.guid-members=true")
			.withBean(PresenceListener.class, () -> events::add)
			.run((context) -> {
				assertThat(context).hasSingleBean(GuidPresenceFrames.class);
				LocalHub hub = context.getBean(LocalHub.class);
				FakeConnection connection = new FakeConnection(7, "ada", "doc");
				hub.register(connection);
				hub.unregister(connection);
				await().until(() -> events.size() == 6);
				assertThat(events).extracting(PresenceEvent::type)
					.containsExactly(Type.ONLINE, Type.OCCUPIED, Type.JOINED, Type.OFFLINE, Type.VACATED, Type.LEFT);
			});
	}

	@Test
	void presenceIsOffByDefault() {
		Queue<PresenceEvent> events = new ConcurrentLinkedQueue<>();
		this.contextRunner.withBean(PresenceListener.class, () -> events::add).run((context) -> {
			assertThat(context).doesNotHaveBean(GuidPresenceFrames.class);
			LocalHub hub = context.getBean(LocalHub.class);
			FakeConnection connection = new FakeConnection(8, "ada");
			hub.register(connection);
			hub.unregister(connection);
			assertThat(context.getBean(PresenceEvents.class).dropped()).isZero();
			assertThat(events).isEmpty();
		});
	}

	@Test
	void presenceUpstreamWithoutTheUpstreamTopicFailsStartup() {
		this.contextRunner
			.withPropertyValues("push.gateway.presence.enabled=true", "push.gateway.presence.upstream=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("push.gateway.upstream.kafka.enabled=true"));
	}

	@Test
	void nothingIsCreatedWhenDisabled() {
		this.contextRunner.withPropertyValues("push.gateway.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PushTemplate.class)
				.doesNotHaveBean(WebSocketRouteProvider.class));
	}

	@Test
	void nothingIsCreatedWithoutReactorNettyRoutes() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(NettyRouteProvider.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PushTemplate.class));
	}

	@Test
	void nothingIsCreatedInANonReactiveApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PushGatewayAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PushTemplate.class));
	}

	@Test
	void httpApiNeedsAToken() {
		this.contextRunner.withPropertyValues("push.gateway.http-api.enabled=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("push.gateway.http-api.token"));
		this.contextRunner.withPropertyValues("push.gateway.http-api.enabled=true", "push.gateway.http-api.token=t")
			.run((context) -> assertThat(context).hasSingleBean(HttpPushApi.class));
	}

	@Test
	void theTokenCacheNeedsCaffeine() {
		String[] cached = { "push.gateway.auth.jwt.secret=0123456789abcdef0123456789abcdef",
				"push.gateway.auth.token-cache.size=100" };
		this.contextRunner.withPropertyValues(cached)
			.withClassLoader(new FilteredClassLoader("com.github.benmanes.caffeine"))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("com.github.ben-manes.caffeine:caffeine"));
		this.contextRunner.withPropertyValues(cached).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void invalidWorkerIdFailsStartup() {
		this.contextRunner.withPropertyValues("push.gateway.node.worker-id=5000")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void configurationMetadataIsGenerated() throws Exception {
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(metadata).isNotNull();
			String json = new String(metadata.readAllBytes(), StandardCharsets.UTF_8);
			assertThat(json).contains("\"push.gateway.websocket.max-frame-size\"")
				.contains("Maximum size of a frame or fragmented message a client may send.")
				.contains("\"push.gateway.http-api.token\"");
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomBeans {

		static final PushAuthenticator AUTHENTICATOR = (request) -> Mono.empty();

		static final PushOperations OPERATIONS = new PushOperations() {

			@Override
			public Mono<PushResult> push(PushTarget target, String event, Object payload) {
				return Mono.empty();
			}

			@Override
			public Mono<Void> disconnect(PushTarget target, int code, String reason) {
				return Mono.empty();
			}

			@Override
			public Mono<Void> reply(long socketId, String messageId, Object payload) {
				return Mono.empty();
			}

			@Override
			public Mono<AckResult> pushWithAck(PushTarget target, String event, Object payload, Duration timeout,
					String messageId) {
				return Mono.empty();
			}

		};

		@Bean
		PushAuthenticator customAuthenticator() {
			return AUTHENTICATOR;
		}

		@Bean
		ClusterBus customBus() {
			return new RecordingBus();
		}

		@Bean
		GuidAuthorizer customGuidAuthorizer() {
			return GuidAuthorizer.ALLOW_ALL;
		}

		@Bean
		PushOperations customOperations() {
			return OPERATIONS;
		}

		static class RecordingBus implements ClusterBus {

			volatile long published;

			@Override
			public Mono<Void> publish(ClusterMessage message) {
				Push push = ((ClusterMessage.Deliver) message).push();
				this.published = push.messageId();
				assertThat(push.target()).isEqualTo(PushTarget.user("alice"));
				return Mono.empty();
			}

			@Override
			public Flux<ClusterMessage> received() {
				return Flux.never();
			}

		}

	}

}
