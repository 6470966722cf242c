package io.pushgateway.autoconfigure;

import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;

/*
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of a push gateway node on Boot's Reactor Netty server: the
 * WebSocket endpoint, {@code PushTemplate}, and, on the embedded default, a single node
 * with no Redis or Kafka. Every bean backs off when the application defines its own.
 * The beans are in a configuration per concern: the node ({@link NodeConfiguration}),
 * the embedded default's backends ({@link LocalBackendsConfiguration}) and the cluster's
 * ({@link ClusterConfigurations}), the engine ({@link EngineConfiguration}),
 * authentication ({@link AuthenticationConfiguration}), the transports
 * ({@link TransportConfiguration}), the HTTP API ({@link HttpApiConfiguration}), gRPC
 * ({@link GrpcConfiguration}) and the routes ({@link GatewayRoutingConfiguration}).
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
// in this order: the cluster's backends before the embedded default's, which back off
// when a cluster configuration defined its own; the engine after both (recovery is
// conditional on a push store)
@Import({ ClusterConfigurations.RedisRegistryConfiguration.class, ClusterConfigurations.KafkaClientsConfiguration.class,
		ClusterConfigurations.KafkaBusConfiguration.class, ClusterConfigurations.RedisBusConfiguration.class,
		ClusterConfigurations.RedisWorkerIdConfiguration.class, ClusterConfigurations.RedisClientConfiguration.class,
		MissingLibraryConfiguration.class, ClusterConfigurations.KafkaUpstreamConfiguration.class,
		ClusterConfigurations.KafkaUndeliveredConfiguration.class, NodeConfiguration.class,
		LocalBackendsConfiguration.class, EngineConfiguration.class, JwtDecoderConfiguration.class,
		PrincipalMapperConfiguration.class, LogoutConfiguration.class, ConsoleConfiguration.class,
		AuthenticationConfiguration.class, TransportConfiguration.class, HttpApiConfiguration.class,
		GrpcConfiguration.GrpcServerConfiguration.class, GrpcConfiguration.MissingGrpcConfiguration.class,
		GatewayRoutingConfiguration.NettyRoutingConfiguration.class,
		GatewayRoutingConfiguration.WebFluxRoutingConfiguration.class })
public final class PushGatewayAutoConfiguration {

}
