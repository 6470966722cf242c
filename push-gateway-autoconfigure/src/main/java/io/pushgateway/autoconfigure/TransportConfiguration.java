package io.pushgateway.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.JsonFrameCodec;
import io.pushgateway.codec.MessagePackFrameCodec;
import io.pushgateway.hub.ClientFrameHandler;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.NodeLifecycle;
import io.pushgateway.hub.RecoveryCoordinator;
import io.pushgateway.id.NodeId;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.spi.BanStore;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.PushAuthenticator;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.BanCheck;
import io.pushgateway.transport.HttpServerTimeouts;
import io.pushgateway.transport.IpLimits;
import io.pushgateway.transport.TransportContext;
import io.pushgateway.transport.polling.PollingSettings;
import io.pushgateway.transport.polling.PollingTransport;
import io.pushgateway.transport.polling.SseSettings;
import io.pushgateway.transport.polling.SseTransport;
import io.pushgateway.transport.socketio.SocketIoSettings;
import io.pushgateway.transport.socketio.SocketIoTransport;
import io.pushgateway.transport.websocket.WebSocketEndpoint;
import io.pushgateway.transport.websocket.WebSocketHandshakeHandler;
import io.pushgateway.transport.websocket.WebSocketRouteProvider;
import io.pushgateway.transport.websocket.WebSocketSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * How clients reach the node: the server's socket timeouts, admission (with the frame
 * codecs clients choose from), what every transport shares ({@link TransportContext}),
 * and the transports: WebSocket, long-polling, Server-Sent Events and Socket.IO. Each
 * transport bean takes its own settings and the shared context, nothing else.
 *
 * @author Push Gateway team
 */
@Configuration(proxyBeanMethods = false)
class TransportConfiguration {

	/* the auto-configuration's category, named rather than referenced: it imports this */
	private static final Log logger = LogFactory.getLog("io.pushgateway.autoconfigure.PushGatewayAutoConfiguration");

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

	/**
	 * Admission of clients on every transport. The subprotocols clients may choose are
	 * the application's {@link FrameCodec} beans, in their order, when it defines some;
	 * otherwise {@code push.v1.json} then {@code push.v1.msgpack}. The first serves
	 * clients that name none.
	 * @param properties the gateway's settings
	 * @param codecs the application's codecs
	 * @param authenticator authenticates handshakes
	 * @param bans refuses banned users and revoked credentials after authentication
	 * @param guidAuthorizer authorizes GUIDs asked for at connect time
	 * @param metrics counts handshakes
	 * @param observations observes handshakes
	 * @return the admission
	 */
	@Bean
	@ConditionalOnMissingBean
	Admission pushGatewayAdmission(PushGatewayProperties properties, ObjectProvider<FrameCodec> codecs,
			PushAuthenticator authenticator, BanStore bans, GuidAuthorizer guidAuthorizer, GatewayMetrics metrics,
			PushObservations observations) {
		List<FrameCodec> chosen = codecs.orderedStream().toList();
		if (chosen.isEmpty()) {
			chosen = List.of(new JsonFrameCodec(), new MessagePackFrameCodec());
		}
		LimitsProperties limits = properties.getLimits();
		return new Admission(chosen, List.copyOf(properties.getWebsocket().getAllowedOrigins()),
				limits.getMaxGuidsPerConnection(), new BanCheck(authenticator, bans, properties.getBans().isFailOpen()),
				guidAuthorizer, metrics,
				new IpLimits(limits.getMaxConnectionsPerIp(), limits.getMaxHandshakesPerIpPerSecond()), observations);
	}

	@Bean
	@ConditionalOnMissingBean
	TransportContext pushGatewayTransportContext(Admission admission, LocalHub hub, ClientFrameHandler frames,
			SnowflakeIdGenerator ids, NodeLifecycle lifecycle, ClusterBus bus, GatewayMetrics metrics, NodeId node,
			Clock clock, ObjectProvider<RecoveryCoordinator> recovery) {
		return new TransportContext(admission, hub, frames, ids, lifecycle, bus, metrics, node.value(), clock,
				recovery.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	WebSocketEndpoint pushGatewayWebSocketEndpoint(PushGatewayProperties properties, TransportContext context) {
		WebSocketProperties websocket = properties.getWebsocket();
		WebSocketSettings settings = new WebSocketSettings(websocket.getPath(),
				(int) websocket.getMaxFrameSize().toBytes(), properties.getHeartbeat().getInterval(),
				websocket.getMaxQueuedSize().toBytes(), websocket.getCloseTimeout());
		return new WebSocketEndpoint(settings, context);
	}

	@Bean
	@ConditionalOnMissingBean
	WebSocketHandshakeHandler pushGatewayWebSocketHandshakeHandler(WebSocketEndpoint endpoint) {
		return new WebSocketHandshakeHandler(endpoint);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "push.gateway.polling.enabled", matchIfMissing = true)
	PollingTransport pushGatewayPollingTransport(PushGatewayProperties properties, TransportContext context) {
		PollingProperties polling = properties.getPolling();
		WebSocketProperties websocket = properties.getWebsocket();
		PollingSettings settings = new PollingSettings(polling.getPath(), polling.getHold(), polling.getLinger(),
				polling.getRelayTimeout(), polling.getMaxRelayedPolls(), (int) websocket.getMaxFrameSize().toBytes(),
				websocket.getMaxQueuedSize().toBytes(), properties.getHeartbeat().getInterval());
		return new PollingTransport(settings, context, properties.getHeartbeat().getTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "push.gateway.sse.enabled", matchIfMissing = true)
	SseTransport pushGatewaySseTransport(PushGatewayProperties properties, TransportContext context) {
		WebSocketProperties websocket = properties.getWebsocket();
		SseSettings settings = new SseSettings(properties.getSse().getPath(),
				(int) websocket.getMaxFrameSize().toBytes(), websocket.getMaxQueuedSize().toBytes(),
				properties.getHeartbeat().getInterval(), websocket.getCloseTimeout());
		return new SseTransport(settings, context);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("push.gateway.socketio.enabled")
	SocketIoTransport pushGatewaySocketIoTransport(PushGatewayProperties properties, TransportContext context) {
		WebSocketProperties websocket = properties.getWebsocket();
		HeartbeatProperties heartbeat = properties.getHeartbeat();
		Duration pingTimeout = heartbeat.getTimeout().minus(heartbeat.getInterval());
		SocketIoSettings settings = new SocketIoSettings(properties.getSocketio().getPath(),
				(int) websocket.getMaxFrameSize().toBytes(), websocket.getMaxQueuedSize().toBytes(),
				heartbeat.getInterval(),
				(pingTimeout.compareTo(Duration.ofSeconds(5)) < 0) ? Duration.ofSeconds(5) : pingTimeout,
				properties.getSocketio().getConnectTimeout(), websocket.getCloseTimeout(),
				properties.getPolling().getRelayTimeout(), properties.getPolling().getMaxRelayedPolls());
		return new SocketIoTransport(settings, context);
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

}
