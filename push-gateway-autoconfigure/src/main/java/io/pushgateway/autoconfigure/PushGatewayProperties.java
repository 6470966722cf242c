package io.pushgateway.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Configuration properties of the push gateway.
 *
 * @author Push Gateway team
 */
@ConfigurationProperties("push.gateway")
public class PushGatewayProperties {

	/**
	 * Whether to enable the push gateway.
	 */
	private boolean enabled = true;

	/**
	 * Whether the gateway's endpoints run behind WebFlux's filters (Spring Security,
	 * CORS): 'auto' when the application has Spring Security, 'always', or 'never'.
	 */
	private WebFluxRouting webfluxRouting = WebFluxRouting.AUTO;

	@NestedConfigurationProperty
	private final NodeProperties node = new NodeProperties();

	@NestedConfigurationProperty
	private final WebSocketProperties websocket = new WebSocketProperties();

	@NestedConfigurationProperty
	private final AuthProperties auth = new AuthProperties();

	@NestedConfigurationProperty
	private final HeartbeatProperties heartbeat = new HeartbeatProperties();

	@NestedConfigurationProperty
	private final LimitsProperties limits = new LimitsProperties();

	@NestedConfigurationProperty
	private final HttpApiProperties httpApi = new HttpApiProperties();

	@NestedConfigurationProperty
	private final ShutdownProperties shutdown = new ShutdownProperties();

	@NestedConfigurationProperty
	private final RegistryProperties registry = new RegistryProperties();

	@NestedConfigurationProperty
	private final BusProperties bus = new BusProperties();

	@NestedConfigurationProperty
	private final UpstreamProperties upstream = new UpstreamProperties();

	@NestedConfigurationProperty
	private final RecoveryProperties recovery = new RecoveryProperties();

	@NestedConfigurationProperty
	private final PollingProperties polling = new PollingProperties();

	@NestedConfigurationProperty
	private final SseProperties sse = new SseProperties();

	@NestedConfigurationProperty
	private final SocketIoProperties socketio = new SocketIoProperties();

	@NestedConfigurationProperty
	private final ObservationsProperties observations = new ObservationsProperties();

	@NestedConfigurationProperty
	private final PresenceProperties presence = new PresenceProperties();

	@NestedConfigurationProperty
	private final UndeliveredProperties undelivered = new UndeliveredProperties();

	@NestedConfigurationProperty
	private final SlowConsumerProperties slowConsumer = new SlowConsumerProperties();

	@NestedConfigurationProperty
	private final GrpcProperties grpc = new GrpcProperties();

	@NestedConfigurationProperty
	private final HttpServerProperties httpServer = new HttpServerProperties();

	@NestedConfigurationProperty
	private final IdempotencyProperties idempotency = new IdempotencyProperties();

	@NestedConfigurationProperty
	private final TransactionProperties transactions = new TransactionProperties();

	@NestedConfigurationProperty
	private final BansProperties bans = new BansProperties();

	@NestedConfigurationProperty
	private final ConnectionsProperties connections = new ConnectionsProperties();

	@NestedConfigurationProperty
	private final ConsoleProperties console = new ConsoleProperties();

	public PollingProperties getPolling() {
		return this.polling;
	}

	public SseProperties getSse() {
		return this.sse;
	}

	public SocketIoProperties getSocketio() {
		return this.socketio;
	}

	public ObservationsProperties getObservations() {
		return this.observations;
	}

	public PresenceProperties getPresence() {
		return this.presence;
	}

	public UndeliveredProperties getUndelivered() {
		return this.undelivered;
	}

	public SlowConsumerProperties getSlowConsumer() {
		return this.slowConsumer;
	}

	public GrpcProperties getGrpc() {
		return this.grpc;
	}

	public HttpServerProperties getHttpServer() {
		return this.httpServer;
	}

	public IdempotencyProperties getIdempotency() {
		return this.idempotency;
	}

	public TransactionProperties getTransactions() {
		return this.transactions;
	}

	public BansProperties getBans() {
		return this.bans;
	}

	public ConnectionsProperties getConnections() {
		return this.connections;
	}

	public ConsoleProperties getConsole() {
		return this.console;
	}

	public RecoveryProperties getRecovery() {
		return this.recovery;
	}

	public UpstreamProperties getUpstream() {
		return this.upstream;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public WebFluxRouting getWebfluxRouting() {
		return this.webfluxRouting;
	}

	public void setWebfluxRouting(WebFluxRouting webfluxRouting) {
		this.webfluxRouting = webfluxRouting;
	}

	/**
	 * Where the gateway's endpoints are served.
	 */
	public enum WebFluxRouting {

		/** Behind WebFlux's filters when the application has Spring Security. */
		AUTO,

		/** Always behind WebFlux's filters. */
		ALWAYS,

		/** Always straight from Reactor Netty, ahead of WebFlux. */
		NEVER

	}

	public NodeProperties getNode() {
		return this.node;
	}

	public WebSocketProperties getWebsocket() {
		return this.websocket;
	}

	public AuthProperties getAuth() {
		return this.auth;
	}

	public HeartbeatProperties getHeartbeat() {
		return this.heartbeat;
	}

	public LimitsProperties getLimits() {
		return this.limits;
	}

	public HttpApiProperties getHttpApi() {
		return this.httpApi;
	}

	public ShutdownProperties getShutdown() {
		return this.shutdown;
	}

	public RegistryProperties getRegistry() {
		return this.registry;
	}

	public BusProperties getBus() {
		return this.bus;
	}

}
