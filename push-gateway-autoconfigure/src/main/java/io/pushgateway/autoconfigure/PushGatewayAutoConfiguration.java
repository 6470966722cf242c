package io.pushgateway.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.pushgateway.auth.JwtTokenVerifier;
import io.pushgateway.auth.PrincipalMapper;
import io.pushgateway.auth.TokenPushAuthenticator;
import io.pushgateway.auth.TokenVerifier;
import io.pushgateway.cluster.LocalClusterBus;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.JsonFrameCodec;
import io.pushgateway.codec.MessagePackFrameCodec;
import io.pushgateway.core.GuidOperations;
import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadEncoder;
import io.pushgateway.core.PresenceListener;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.UndeliveredListener;
import io.pushgateway.http.HttpPushApi;
import io.pushgateway.hub.AckTracker;
import io.pushgateway.hub.ClientFrameHandler;
import io.pushgateway.hub.ClusterPublisher;
import io.pushgateway.hub.DynamicHeartbeat;
import io.pushgateway.hub.FanOut;
import io.pushgateway.hub.GatewayUpstream;
import io.pushgateway.hub.GuidMemberships;
import io.pushgateway.hub.GuidPresenceFrames;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.NodeLifecycle;
import io.pushgateway.hub.PresenceEvents;
import io.pushgateway.hub.PushObservations;
import io.pushgateway.hub.PushTemplate;
import io.pushgateway.hub.RecoveryCoordinator;
import io.pushgateway.hub.RelayEndpoint;
import io.pushgateway.hub.RelayEndpoints;
import io.pushgateway.hub.SlowConsumerPolicies;
import io.pushgateway.hub.StreamOrder;
import io.pushgateway.hub.UndeliveredPushes;
import io.pushgateway.id.NodeId;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.id.WorkerIdStrategy;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.registry.InMemoryIdempotencyStore;
import io.pushgateway.registry.InMemoryPushStore;
import io.pushgateway.registry.InMemorySessionRegistry;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.IdempotencyStore;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.PushAuthenticator;
import io.pushgateway.spi.PushStore;
import io.pushgateway.spi.SessionRegistry;
import io.pushgateway.spi.UpstreamHandler;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.HttpServerTimeouts;
import io.pushgateway.transport.IpLimits;
import io.pushgateway.transport.polling.PollingSettings;
import io.pushgateway.transport.polling.PollingTransport;
import io.pushgateway.transport.polling.SseSettings;
import io.pushgateway.transport.polling.SseTransport;
import io.pushgateway.transport.socketio.SocketIoSettings;
import io.pushgateway.transport.socketio.SocketIoTransport;
import io.pushgateway.transport.websocket.WebSocketHandshakeHandler;
import io.pushgateway.transport.websocket.WebSocketRouteProvider;
import io.pushgateway.transport.websocket.WebSocketSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;
import org.springframework.util.Assert;

/*
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of a push gateway node on Boot's Reactor Netty server: the
 * WebSocket endpoint, {@link PushTemplate}, and, on the embedded default, a single node
 * with no Redis or Kafka. Every bean backs off when the application defines its own.
 *
 * @author Push Gateway team
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
		"org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ HttpServer.class, NettyRouteProvider.class })
@ConditionalOnBooleanProperty(name = "push.gateway.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PushGatewayProperties.class)
@ImportRuntimeHints(PushGatewayRuntimeHints.class)
@Import({ ClusterConfigurations.RedisRegistryConfiguration.class, ClusterConfigurations.KafkaClientsConfiguration.class,
		ClusterConfigurations.KafkaBusConfiguration.class, ClusterConfigurations.RedisBusConfiguration.class,
		ClusterConfigurations.RedisWorkerIdConfiguration.class, ClusterConfigurations.RedisClientConfiguration.class,
		ClusterConfigurations.MissingLibraryConfiguration.class, ClusterConfigurations.KafkaUpstreamConfiguration.class,
		ClusterConfigurations.KafkaUndeliveredConfiguration.class, GrpcConfiguration.GrpcServerConfiguration.class,
		GrpcConfiguration.MissingGrpcConfiguration.class, JwtDecoderConfiguration.class,
		PrincipalMapperConfiguration.class, GatewayRoutingConfiguration.NettyRoutingConfiguration.class,
		GatewayRoutingConfiguration.WebFluxRoutingConfiguration.class })
public final class PushGatewayAutoConfiguration {

	private static final Log logger = LogFactory.getLog(PushGatewayAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	WorkerIdStrategy pushGatewayWorkerIdStrategy(PushGatewayProperties properties) {
		NodeProperties node = properties.getNode();
		return switch (node.getWorkerIdStrategy()) {
			case CONFIGURED -> WorkerIdStrategy.configured(node.getWorkerId());
			case HOST_IPV4 -> WorkerIdStrategy.hostIpv4();
			case POD_ORDINAL -> WorkerIdStrategy.podOrdinal(
					(node.getHostname() != null) ? node.getHostname() : String.valueOf(System.getenv("HOSTNAME")));
			case REDIS_LEASE -> throw new IllegalStateException(
					"push.gateway.node.worker-id-strategy=redis-lease needs spring-boot-starter-data-redis-reactive");
		};
	}

	/**
	 * The gateway's observations, in the application's {@link ObservationRegistry} when
	 * it has one and {@code push.gateway.observations.enabled} is not {@code false}.
	 * @param registry the application's registry
	 * @param properties the gateway's settings
	 * @return the observations
	 */
	@Bean
	@ConditionalOnMissingBean
	PushObservations pushGatewayObservations(ObjectProvider<ObservationRegistry> registry,
			PushGatewayProperties properties) {
		ObservationRegistry observations = registry.getIfUnique();
		if (observations == null || !properties.getObservations().isEnabled()) {
			return PushObservations.OFF;
		}
		return new PushObservations(observations);
	}

	/**
	 * The clock behind message IDs, heartbeats, retention and credential expiry. An
	 * application's own {@link Clock} bean replaces it (tests use a fixed or offset one).
	 * @return the system clock in UTC
	 */
	@Bean
	@ConditionalOnMissingBean
	Clock pushGatewayClock() {
		return Clock.systemUTC();
	}

	@Bean
	@ConditionalOnMissingBean
	NodeId pushGatewayNodeId(PushGatewayProperties properties, WorkerIdStrategy workerIdStrategy) {
		return NodeId.of(properties.getNode().getId(), workerIdStrategy.workerId());
	}

	@Bean
	@ConditionalOnMissingBean
	SnowflakeIdGenerator pushGatewayIdGenerator(WorkerIdStrategy workerIdStrategy, Clock clock) {
		return new SnowflakeIdGenerator(workerIdStrategy.workerId(), clock);
	}

	@Bean
	@ConditionalOnMissingBean
	LocalHub pushGatewayLocalHub(NodeId node, PushGatewayProperties properties, WorkerIdStrategy workerIdStrategy,
			ObjectProvider<SessionRegistry> registry) {
		// the registry is whichever SessionRegistry bean exists, the application's own
		// included; looked up when the first connection arrives
		return new LocalHub(properties.getLimits().getMaxConnectionsPerUser(), node.value(), registry::getObject);
	}

	@Bean
	@ConditionalOnMissingBean
	GatewayMetrics pushGatewayMetrics(ObjectProvider<MeterRegistry> registry, LocalHub hub) {
		// without the application's registry, keep the meters private rather than
		// register
		// them globally, where they would outlive this context
		return new GatewayMetrics(registry.getIfAvailable(SimpleMeterRegistry::new), hub);
	}

	/**
	 * Timeouts of the server's sockets before and between requests, and the longest pause
	 * and time to read a body, on by default ({@code push.gateway.http-server}).
	 * @param properties the gateway's settings
	 * @param metrics counts the sockets they close
	 * @return the customizer of Boot's Reactor Netty server
	 */
	@Bean
	@ConditionalOnMissingBean
	HttpServerTimeouts pushGatewayHttpServerTimeouts(PushGatewayProperties properties, GatewayMetrics metrics) {
		HttpServerProperties server = properties.getHttpServer();
		return new HttpServerTimeouts(server.getHeaderTimeout(), server.getKeepAliveTimeout(), server.getReadTimeout(),
				server.getRequestTimeout(), server.getMaxPendingSocketsPerIp(), metrics);
	}

	@Bean
	@ConditionalOnMissingBean
	FanOut pushGatewayFanOut(LocalHub hub, GatewayMetrics metrics, PushGatewayProperties properties,
			ObjectProvider<RecoveryCoordinator> recovery) {
		SlowConsumerProperties slow = properties.getSlowConsumer();
		SlowConsumerPolicies policies = new SlowConsumerPolicies(slow.getRules()
			.stream()
			.map((rule) -> new SlowConsumerPolicies.Rule(rule.getEvents(), rule.getPolicy()))
			.toList(), slow.getDefaultPolicy());
		RecoveryCoordinator coordinator = recovery.getIfAvailable();
		return new FanOut(hub, ByteBufAllocator.DEFAULT, metrics, properties.getLimits().getMaxPendingBatchesPerLoop(),
				policies, (coordinator != null) ? coordinator.order() : null);
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterBus pushGatewayClusterBus() {
		return new LocalClusterBus();
	}

	@Bean
	@ConditionalOnMissingBean
	SessionRegistry pushGatewaySessionRegistry(NodeId node, LocalHub hub, PushGatewayProperties properties,
			WorkerIdStrategy workerIdStrategy, PresenceEvents presenceEvents, Clock clock) {
		return new InMemorySessionRegistry(hub, node.value(), presenceTracking(properties, presenceEvents), clock);
	}

	/* Attaches connections to GUIDs from the server, across the cluster. */
	@Bean
	@ConditionalOnMissingBean(GuidOperations.class)
	GuidMemberships pushGatewayGuidOperations(LocalHub hub, SessionRegistry registry, ClusterBus bus, NodeId node) {
		return new GuidMemberships(hub, registry, bus, node.value());
	}

	/* Hands the registry's presence transitions to the PresenceListener beans. */
	@Bean
	@ConditionalOnMissingBean
	PresenceEvents pushGatewayPresenceEvents(ObjectProvider<PresenceListener> listeners,
			PushGatewayProperties properties, GatewayMetrics metrics) {
		return new PresenceEvents(() -> listeners.orderedStream().toList(), properties.getPresence().getMaxQueued(),
				metrics);
	}

	@Bean
	@ConditionalOnBooleanProperty("push.gateway.presence.guid-members")
	GuidPresenceFrames pushGatewayGuidPresenceFrames(PushOperations push) {
		return new GuidPresenceFrames(push);
	}

	static PresenceTracking presenceTracking(PushGatewayProperties properties, PresenceEvents events) {
		PresenceProperties presence = properties.getPresence();
		return presence.isEnabled() ? PresenceTracking.of(presence.getGracePeriod(), events::publish)
				: PresenceTracking.OFF;
	}

	@Bean
	@ConditionalOnMissingBean
	PayloadEncoder pushGatewayPayloadEncoder(ObjectProvider<JsonMapper> jsonMapper) {
		JsonMapper mapper = jsonMapper.getIfAvailable(JsonMapper::new);
		return (value) -> Payload.json(mapper.writeValueAsBytes(value));
	}

	@Bean
	@ConditionalOnMissingBean(PushOperations.class)
	PushTemplate pushTemplate(NodeId node, SnowflakeIdGenerator ids, LocalHub hub, FanOut fanOut, ClusterBus bus,
			SessionRegistry registry, PayloadEncoder encoder, PushGatewayProperties properties,
			WorkerIdStrategy workerIdStrategy, AckTracker acks, GatewayMetrics metrics, ObjectProvider<PushStore> store,
			PushObservations observations, UndeliveredPushes undelivered, IdempotencyStore idempotency) {
		ClusterPublisher cluster = new ClusterPublisher(bus, registry, node.value(),
				properties.getBus().getRouting() == BusProperties.Routing.TARGETED, metrics, observations);
		PushTemplate template = new PushTemplate(ids, hub, fanOut, cluster, encoder,
				(int) properties.getLimits().getMaxPayloadSize().toBytes(), acks, store.getIfAvailable(),
				properties.getRecovery().isAllPushes(), observations, undelivered);
		template.useIdempotency(idempotency, properties.getIdempotency().getWindow());
		return template;
	}

	/*
	 * The idempotency keys of pushes, in memory (the Redis registry keeps them in Redis).
	 */
	@Bean
	@ConditionalOnMissingBean
	IdempotencyStore pushGatewayIdempotencyStore(PushGatewayProperties properties, Clock clock) {
		return new InMemoryIdempotencyStore(properties.getIdempotency().getMaxKeys(), clock);
	}

	/* Reports pushes that asked for a fallback and reached nobody. */
	@Bean
	@ConditionalOnMissingBean
	UndeliveredPushes pushGatewayUndeliveredPushes(SessionRegistry registry, Clock clock,
			PushGatewayProperties properties, ObjectProvider<UndeliveredListener> listeners, GatewayMetrics metrics) {
		UndeliveredProperties undelivered = properties.getUndelivered();
		return new UndeliveredPushes(registry, clock, undelivered.isAllPushes(),
				() -> listeners.orderedStream().toList(), undelivered.getMaxQueued(), metrics);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("push.gateway.recovery.enabled")
	PushStore pushGatewayPushStore(PushGatewayProperties properties, Clock clock) {
		RecoveryProperties recovery = properties.getRecovery();
		return new InMemoryPushStore(recovery.getMaxLength(), recovery.getMaxAge(), clock);
	}

	/* Replays recoverable pushes to reconnecting clients, when a store exists. */
	@Bean
	@ConditionalOnBean(PushStore.class)
	RecoveryCoordinator pushGatewayRecoveryCoordinator(PushStore store, PushGatewayProperties properties,
			GatewayMetrics metrics) {
		RecoveryProperties recovery = properties.getRecovery();
		return new RecoveryCoordinator(
				new StreamOrder(store, recovery.getMaxLength(), recovery.getGapTimeout(), metrics));
	}

	@Bean
	@ConditionalOnMissingBean
	AckTracker pushGatewayAckTracker(ClusterBus bus, PushGatewayProperties properties, GatewayMetrics metrics) {
		return new AckTracker(bus, properties.getLimits().getMaxPendingAcks(),
				properties.getLimits().getMaxAckTimeout(), metrics::ackRoundTrip);
	}

	@Bean
	@ConditionalOnMissingBean
	PushAuthenticator pushGatewayAuthenticator(PushGatewayProperties properties, SnowflakeIdGenerator ids,
			ObjectProvider<TokenVerifier> tokenVerifiers, ObjectProvider<PrincipalMapper> principalMappers) {
		AuthProperties auth = properties.getAuth();
		// the gateway's own key when one is configured; otherwise a TokenVerifier bean,
		// such as the one made from the application's ReactiveJwtDecoder
		TokenVerifier verifier = jwtVerifier(auth.getJwt());
		if (verifier == null) {
			verifier = tokenVerifiers.getIfUnique();
		}
		if (verifier == null && !auth.isAnonymous()) {
			logger.warn("No push.gateway.auth.jwt key, no ReactiveJwtDecoder or TokenVerifier bean, and anonymous "
					+ "access is off: every handshake will be rejected until one of them or a PushAuthenticator "
					+ "bean is configured");
		}
		return new TokenPushAuthenticator(verifier, auth.getTokenQueryParameter(),
				auth.isAnonymous() ? (request) -> "anonymous-" + ids.nextId() : null, principalMappers.getIfUnique());
	}

	private static @Nullable TokenVerifier jwtVerifier(AuthProperties.Jwt jwt) {
		if (jwt.getSecret() != null) {
			return JwtTokenVerifier.hmac(jwt.getSecret().getBytes(StandardCharsets.UTF_8), jwt.getIssuer(),
					jwt.getAudience(), jwt.getUidClaim(), jwt.getGuidsClaim(), jwt.getClockSkew());
		}
		if (jwt.getPublicKey() != null) {
			try {
				String pem = jwt.getPublicKey().getContentAsString(StandardCharsets.US_ASCII);
				return JwtTokenVerifier.publicKey(pem, jwt.getIssuer(), jwt.getAudience(), jwt.getUidClaim(),
						jwt.getGuidsClaim(), jwt.getClockSkew());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read push.gateway.auth.jwt.public-key", ex);
			}
		}
		return null;
	}

	@Bean
	@ConditionalOnMissingBean
	GuidAuthorizer pushGatewayGuidAuthorizer() {
		return GuidAuthorizer.DENY_ALL;
	}

	@Bean
	@ConditionalOnMissingBean
	ClientFrameHandler pushGatewayClientFrameHandler(NodeId node, LocalHub hub,
			ObjectProvider<UpstreamHandler> handlers, GuidAuthorizer guidAuthorizer, GatewayMetrics metrics,
			PushGatewayProperties properties, SnowflakeIdGenerator ids, WorkerIdStrategy workerIdStrategy, Clock clock,
			AckTracker acks, ObjectProvider<RecoveryCoordinator> recovery, PushObservations observations) {
		LimitsProperties limits = properties.getLimits();
		return new ClientFrameHandler(hub, GatewayUpstream.applicationsFirst(handlers.orderedStream().toList()),
				guidAuthorizer, metrics, node.value(), limits.getMaxGuidsPerConnection(),
				limits.getMaxInFlightMessages(), limits.getUpstreamTimeout(), clock, acks,
				new ClientFrameHandler.RateLimits(limits.getMaxMessagesPerSecond(),
						limits.getMaxBytesPerSecond().toBytes()),
				recovery.getIfAvailable(), observations);
	}

	@Bean
	@ConditionalOnMissingBean
	NodeLifecycle pushGatewayNodeLifecycle(LocalHub hub, FanOut fanOut, ClusterBus bus, GatewayMetrics metrics,
			PushGatewayProperties properties, NodeId node, Clock clock, AckTracker acks,
			ObjectProvider<RelayEndpoint> relayEndpoints, PushObservations observations) {
		// transports need the lifecycle, so the endpoints their relays go to are looked
		// up when the first relay arrives
		HeartbeatProperties heartbeat = properties.getHeartbeat();
		return new NodeLifecycle(hub, fanOut, bus, metrics, heartbeat.getTimeout(),
				properties.getShutdown().getTimeout(), clock, acks,
				new RelayEndpoints(node.value(), () -> relayEndpoints.orderedStream().toList()), observations,
				new DynamicHeartbeat(heartbeat.getDynamic().isEnabled(), heartbeat.getInterval().toMillis(),
						heartbeat.getDynamic().getMaxInterval().toMillis(),
						heartbeat.getDynamic().getPromoteAfter().toMillis()));
	}

	@Bean
	@ConditionalOnMissingBean
	Admission pushGatewayAdmission(PushGatewayProperties properties, PushAuthenticator authenticator,
			GuidAuthorizer guidAuthorizer, GatewayMetrics metrics, PushObservations observations) {
		List<FrameCodec> codecs = List.of(new JsonFrameCodec(), new MessagePackFrameCodec());
		LimitsProperties limits = properties.getLimits();
		return new Admission(codecs, List.copyOf(properties.getWebsocket().getAllowedOrigins()),
				limits.getMaxGuidsPerConnection(), authenticator, guidAuthorizer, metrics,
				new IpLimits(limits.getMaxConnectionsPerIp(), limits.getMaxHandshakesPerIpPerSecond()), observations);
	}

	@Bean
	@ConditionalOnMissingBean
	WebSocketHandshakeHandler pushGatewayWebSocketHandshakeHandler(NodeId node, PushGatewayProperties properties,
			Admission admission, LocalHub hub, ClientFrameHandler frameHandler, SnowflakeIdGenerator ids,
			NodeLifecycle lifecycle, GatewayMetrics metrics, WorkerIdStrategy workerIdStrategy, Clock clock,
			ObjectProvider<RecoveryCoordinator> recovery) {
		WebSocketProperties websocket = properties.getWebsocket();
		WebSocketSettings settings = new WebSocketSettings(websocket.getPath(),
				(int) websocket.getMaxFrameSize().toBytes(), properties.getHeartbeat().getInterval(),
				websocket.getMaxQueuedSize().toBytes(), websocket.getCloseTimeout());
		return new WebSocketHandshakeHandler(settings, admission, hub, frameHandler, ids, lifecycle, metrics,
				node.value(), clock, recovery.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "push.gateway.polling.enabled", matchIfMissing = true)
	PollingTransport pushGatewayPollingTransport(NodeId node, PushGatewayProperties properties, Admission admission,
			LocalHub hub, ClientFrameHandler frameHandler, SnowflakeIdGenerator ids, NodeLifecycle lifecycle,
			ClusterBus bus, GatewayMetrics metrics, WorkerIdStrategy workerIdStrategy, Clock clock,
			ObjectProvider<RecoveryCoordinator> recovery) {
		PollingProperties polling = properties.getPolling();
		WebSocketProperties websocket = properties.getWebsocket();
		PollingSettings settings = new PollingSettings(polling.getPath(), polling.getHold(), polling.getLinger(),
				polling.getRelayTimeout(), polling.getMaxRelayedPolls(), (int) websocket.getMaxFrameSize().toBytes(),
				websocket.getMaxQueuedSize().toBytes(), properties.getHeartbeat().getInterval());
		return new PollingTransport(settings, admission, hub, frameHandler, ids, lifecycle, bus, metrics, node.value(),
				properties.getHeartbeat().getTimeout(), clock, recovery.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "push.gateway.sse.enabled", matchIfMissing = true)
	SseTransport pushGatewaySseTransport(NodeId node, PushGatewayProperties properties, Admission admission,
			LocalHub hub, ClientFrameHandler frameHandler, SnowflakeIdGenerator ids, NodeLifecycle lifecycle,
			ClusterBus bus, GatewayMetrics metrics, Clock clock, ObjectProvider<RecoveryCoordinator> recovery) {
		WebSocketProperties websocket = properties.getWebsocket();
		SseSettings settings = new SseSettings(properties.getSse().getPath(),
				(int) websocket.getMaxFrameSize().toBytes(), websocket.getMaxQueuedSize().toBytes(),
				properties.getHeartbeat().getInterval(), websocket.getCloseTimeout());
		return new SseTransport(settings, admission, hub, frameHandler, ids, lifecycle, bus, metrics, node.value(),
				clock, recovery.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("push.gateway.socketio.enabled")
	SocketIoTransport pushGatewaySocketIoTransport(NodeId node, PushGatewayProperties properties, Admission admission,
			LocalHub hub, ClientFrameHandler frameHandler, SnowflakeIdGenerator ids, NodeLifecycle lifecycle,
			ClusterBus bus, GatewayMetrics metrics, Clock clock, ObjectProvider<RecoveryCoordinator> recovery) {
		WebSocketProperties websocket = properties.getWebsocket();
		HeartbeatProperties heartbeat = properties.getHeartbeat();
		Duration pingTimeout = heartbeat.getTimeout().minus(heartbeat.getInterval());
		SocketIoSettings settings = new SocketIoSettings(properties.getSocketio().getPath(),
				(int) websocket.getMaxFrameSize().toBytes(), websocket.getMaxQueuedSize().toBytes(),
				heartbeat.getInterval(),
				(pingTimeout.compareTo(Duration.ofSeconds(5)) < 0) ? Duration.ofSeconds(5) : pingTimeout,
				properties.getSocketio().getConnectTimeout(), websocket.getCloseTimeout(),
				properties.getPolling().getRelayTimeout(), properties.getPolling().getMaxRelayedPolls());
		return new SocketIoTransport(settings, admission, hub, frameHandler, ids, lifecycle, bus, metrics, node.value(),
				clock, recovery.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	WebSocketRouteProvider pushGatewayWebSocketRouteProvider(PushGatewayProperties properties,
			WebSocketHandshakeHandler handler, Environment environment, ListableBeanFactory beans) {
		if ("framework".equalsIgnoreCase(environment.getProperty("server.forward-headers-strategy"))
				&& !beans.containsBeanDefinition(GatewayRoutingConfiguration.HANDLER_MAPPING)) {
			// without Spring Security the gateway's routes run on Reactor Netty ahead of
			// WebFlux, where Spring's ForwardedHeaderTransformer ('framework') never
			// sees them
			logger.warn("server.forward-headers-strategy=framework does not apply to the push gateway's endpoints "
					+ "(WebSocket, long-polling, Server-Sent Events, HTTP push API) unless they run behind Spring Security: use 'native' "
					+ "so they see client addresses");
		}
		return new WebSocketRouteProvider(properties.getWebsocket().getPath(), handler);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("push.gateway.http-api.enabled")
	static class HttpApiConfiguration {

		@Bean
		@ConditionalOnMissingBean
		HttpPushApi pushGatewayHttpPushApi(PushOperations operations, SessionRegistry presence,
				PushGatewayProperties properties, ListableBeanFactory beans, PushObservations observations) {
			String token = properties.getHttpApi().getToken();
			boolean behindWebFlux = beans.containsBeanDefinition(GatewayRoutingConfiguration.HANDLER_MAPPING);
			Assert.state(behindWebFlux || (token != null && !token.isBlank()),
					"push.gateway.http-api.token must be set when the HTTP push API is enabled and not behind "
							+ "Spring Security");
			if (token != null && token.isBlank()) {
				token = null;
			}
			return new HttpPushApi(operations, presence, token,
					(int) properties.getLimits().getMaxPayloadSize().toBytes(), properties.getHttpApi().getPath(),
					observations);
		}

	}

}
