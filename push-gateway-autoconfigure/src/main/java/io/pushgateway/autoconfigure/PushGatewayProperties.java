package io.pushgateway.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;

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

	private final Node node = new Node();

	private final WebSocket websocket = new WebSocket();

	private final Auth auth = new Auth();

	private final Heartbeat heartbeat = new Heartbeat();

	private final Limits limits = new Limits();

	private final HttpApi httpApi = new HttpApi();

	private final Shutdown shutdown = new Shutdown();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Node getNode() {
		return this.node;
	}

	public WebSocket getWebsocket() {
		return this.websocket;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public Heartbeat getHeartbeat() {
		return this.heartbeat;
	}

	public Limits getLimits() {
		return this.limits;
	}

	public HttpApi getHttpApi() {
		return this.httpApi;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	/**
	 * How a node chooses its Snowflake worker ID.
	 */
	public enum WorkerIdStrategyType {

		/**
		 * Use the configured worker ID.
		 */
		CONFIGURED,

		/**
		 * Derive it from the low 10 bits of the host's first non-loopback IPv4 address.
		 */
		HOST_IPV4,

		/**
		 * Derive it from the ordinal at the end of a Kubernetes StatefulSet pod's host
		 * name.
		 */
		POD_ORDINAL

	}

	public static class Node {

		/**
		 * ID of this node, shown to clients and in logs. Defaults to "node-" followed by
		 * the worker ID.
		 */
		private @Nullable String id;

		/**
		 * How to choose the Snowflake worker ID, which must differ between the live nodes
		 * of a cluster.
		 */
		private WorkerIdStrategyType workerIdStrategy = WorkerIdStrategyType.CONFIGURED;

		/**
		 * Snowflake worker ID, from 0 to 1023, when the strategy is 'configured'.
		 */
		private int workerId = 0;

		/**
		 * Host name to read the StatefulSet ordinal from. Defaults to the HOSTNAME
		 * environment variable.
		 */
		private @Nullable String hostname;

		public @Nullable String getId() {
			return this.id;
		}

		public void setId(@Nullable String id) {
			this.id = id;
		}

		public WorkerIdStrategyType getWorkerIdStrategy() {
			return this.workerIdStrategy;
		}

		public void setWorkerIdStrategy(WorkerIdStrategyType workerIdStrategy) {
			this.workerIdStrategy = workerIdStrategy;
		}

		public int getWorkerId() {
			return this.workerId;
		}

		public void setWorkerId(int workerId) {
			this.workerId = workerId;
		}

		public @Nullable String getHostname() {
			return this.hostname;
		}

		public void setHostname(@Nullable String hostname) {
			this.hostname = hostname;
		}

	}

	public static class WebSocket {

		/**
		 * Path of the WebSocket endpoint.
		 */
		private String path = "/ws";

		/**
		 * Maximum size of a frame or fragmented message a client may send.
		 */
		private DataSize maxFrameSize = DataSize.ofKilobytes(64);

		/**
		 * Origin patterns allowed to connect besides the gateway's own origin, such as
		 * 'https://*.example.com'. Requests without an Origin header (non-browser
		 * clients) are always allowed.
		 */
		private List<String> allowedOrigins = new ArrayList<>();

		/**
		 * Maximum bytes waiting to be written to one connection. A client that falls
		 * further behind is closed as a slow consumer (close code 4002).
		 */
		private DataSize maxQueuedSize = DataSize.ofKilobytes(256);

		/**
		 * How long a closing connection may take to read its close frame before the
		 * socket is closed.
		 */
		private Duration closeTimeout = Duration.ofSeconds(5);

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public DataSize getMaxFrameSize() {
			return this.maxFrameSize;
		}

		public void setMaxFrameSize(DataSize maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
		}

		public List<String> getAllowedOrigins() {
			return this.allowedOrigins;
		}

		public void setAllowedOrigins(List<String> allowedOrigins) {
			this.allowedOrigins = allowedOrigins;
		}

		public DataSize getMaxQueuedSize() {
			return this.maxQueuedSize;
		}

		public void setMaxQueuedSize(DataSize maxQueuedSize) {
			this.maxQueuedSize = maxQueuedSize;
		}

		public Duration getCloseTimeout() {
			return this.closeTimeout;
		}

		public void setCloseTimeout(Duration closeTimeout) {
			this.closeTimeout = closeTimeout;
		}

	}

	public static class Auth {

		/**
		 * Whether handshakes without a token are admitted, each as a new anonymous user.
		 */
		private boolean anonymous = false;

		/**
		 * Query parameter that may carry the token, for browsers, which cannot set
		 * headers on a WebSocket handshake.
		 */
		private String tokenQueryParameter = "access_token";

		private final Jwt jwt = new Jwt();

		public boolean isAnonymous() {
			return this.anonymous;
		}

		public void setAnonymous(boolean anonymous) {
			this.anonymous = anonymous;
		}

		public String getTokenQueryParameter() {
			return this.tokenQueryParameter;
		}

		public void setTokenQueryParameter(String tokenQueryParameter) {
			this.tokenQueryParameter = tokenQueryParameter;
		}

		public Jwt getJwt() {
			return this.jwt;
		}

	}

	public static class Jwt {

		/**
		 * Shared secret of HMAC-signed tokens (HS256, HS384, HS512), at least 32 bytes.
		 */
		private @Nullable String secret;

		/**
		 * Location of the PEM public key of RSA- or EC-signed tokens.
		 */
		private @Nullable Resource publicKey;

		/**
		 * Issuer ('iss') that tokens must carry.
		 */
		private @Nullable String issuer;

		/**
		 * Audience ('aud') that tokens must carry.
		 */
		private @Nullable String audience;

		/**
		 * Claim that holds the user ID.
		 */
		private String uidClaim = "sub";

		/**
		 * Claim that holds the GUIDs, a string array, the connection is attached to at
		 * connect time.
		 */
		private String guidsClaim = "guids";

		/**
		 * Clock difference tolerated when checking expiry and not-before.
		 */
		private Duration clockSkew = Duration.ofSeconds(60);

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public @Nullable Resource getPublicKey() {
			return this.publicKey;
		}

		public void setPublicKey(@Nullable Resource publicKey) {
			this.publicKey = publicKey;
		}

		public @Nullable String getIssuer() {
			return this.issuer;
		}

		public void setIssuer(@Nullable String issuer) {
			this.issuer = issuer;
		}

		public @Nullable String getAudience() {
			return this.audience;
		}

		public void setAudience(@Nullable String audience) {
			this.audience = audience;
		}

		public String getUidClaim() {
			return this.uidClaim;
		}

		public void setUidClaim(String uidClaim) {
			this.uidClaim = uidClaim;
		}

		public String getGuidsClaim() {
			return this.guidsClaim;
		}

		public void setGuidsClaim(String guidsClaim) {
			this.guidsClaim = guidsClaim;
		}

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
		}

	}

	public static class Heartbeat {

		/**
		 * Interval at which clients are told to send a ping.
		 */
		private Duration interval = Duration.ofSeconds(25);

		/**
		 * Time without any frame from a client after which its connection is closed
		 * (close code 4001).
		 */
		private Duration timeout = Duration.ofSeconds(60);

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	public static class Limits {

		/**
		 * Maximum connections of one user; the oldest is closed (close code 4003) when a
		 * new one would exceed it. 0 means no limit.
		 */
		private int maxConnectionsPerUser = 10;

		/**
		 * Maximum GUIDs one connection may be attached to.
		 */
		private int maxGuidsPerConnection = 64;

		/**
		 * Maximum upstream messages of one connection awaiting their handler.
		 */
		private int maxInFlightMessages = 16;

		/**
		 * Time an upstream handler has to answer before the client gets error 4504.
		 */
		private Duration upstreamTimeout = Duration.ofSeconds(10);

		/**
		 * Maximum size of one push payload.
		 */
		private DataSize maxPayloadSize = DataSize.ofKilobytes(256);

		/**
		 * Maximum push batches waiting for one event loop before pushes are refused as
		 * overloaded.
		 */
		private int maxPendingBatchesPerLoop = 16384;

		public int getMaxConnectionsPerUser() {
			return this.maxConnectionsPerUser;
		}

		public void setMaxConnectionsPerUser(int maxConnectionsPerUser) {
			this.maxConnectionsPerUser = maxConnectionsPerUser;
		}

		public int getMaxGuidsPerConnection() {
			return this.maxGuidsPerConnection;
		}

		public void setMaxGuidsPerConnection(int maxGuidsPerConnection) {
			this.maxGuidsPerConnection = maxGuidsPerConnection;
		}

		public int getMaxInFlightMessages() {
			return this.maxInFlightMessages;
		}

		public void setMaxInFlightMessages(int maxInFlightMessages) {
			this.maxInFlightMessages = maxInFlightMessages;
		}

		public Duration getUpstreamTimeout() {
			return this.upstreamTimeout;
		}

		public void setUpstreamTimeout(Duration upstreamTimeout) {
			this.upstreamTimeout = upstreamTimeout;
		}

		public DataSize getMaxPayloadSize() {
			return this.maxPayloadSize;
		}

		public void setMaxPayloadSize(DataSize maxPayloadSize) {
			this.maxPayloadSize = maxPayloadSize;
		}

		public int getMaxPendingBatchesPerLoop() {
			return this.maxPendingBatchesPerLoop;
		}

		public void setMaxPendingBatchesPerLoop(int maxPendingBatchesPerLoop) {
			this.maxPendingBatchesPerLoop = maxPendingBatchesPerLoop;
		}

	}

	public static class HttpApi {

		/**
		 * Whether to enable the HTTP push API.
		 */
		private boolean enabled = false;

		/**
		 * Base path of the HTTP push API.
		 */
		private String path = "/push-api";

		/**
		 * Bearer token that callers of the HTTP push API must present. Required when the
		 * API is enabled.
		 */
		private @Nullable String token;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public @Nullable String getToken() {
			return this.token;
		}

		public void setToken(@Nullable String token) {
			this.token = token;
		}

	}

	public static class Shutdown {

		/**
		 * Time to wait, after telling clients to reconnect, for connections to close.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

}
