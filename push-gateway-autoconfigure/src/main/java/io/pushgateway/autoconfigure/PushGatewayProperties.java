package io.pushgateway.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

	private final Registry registry = new Registry();

	private final Bus bus = new Bus();

	private final Upstream upstream = new Upstream();

	private final Recovery recovery = new Recovery();

	private final Polling polling = new Polling();

	public Polling getPolling() {
		return this.polling;
	}

	public Recovery getRecovery() {
		return this.recovery;
	}

	public Upstream getUpstream() {
		return this.upstream;
	}

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

	public Registry getRegistry() {
		return this.registry;
	}

	public Bus getBus() {
		return this.bus;
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
		POD_ORDINAL,

		/**
		 * Lease a free one from Redis, through the application's Redis connection.
		 */
		REDIS_LEASE

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

		/**
		 * Lease length of a worker ID leased from Redis; the lease is renewed every third
		 * of it.
		 */
		private Duration workerIdLease = Duration.ofSeconds(30);

		public Duration getWorkerIdLease() {
			return this.workerIdLease;
		}

		public void setWorkerIdLease(Duration workerIdLease) {
			this.workerIdLease = workerIdLease;
		}

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

	public static class Polling {

		/**
		 * Whether to serve the HTTP long-polling fallback for clients that cannot open a
		 * WebSocket.
		 */
		private boolean enabled = true;

		/**
		 * Base path of the long-polling endpoints.
		 */
		private String path = "/ws/poll";

		/**
		 * How long a poll waits for frames before it returns an empty batch. Capped at
		 * half the heartbeat timeout, since a waiting poll is the session's heartbeat.
		 */
		private Duration hold = Duration.ofSeconds(25);

		/**
		 * How long a closed session is remembered so that the client's next poll learns
		 * its close code.
		 */
		private Duration linger = Duration.ofSeconds(30);

		/**
		 * How long a node waits, on top of the hold time, for the answer to a poll it
		 * relayed to the node holding the session.
		 */
		private Duration relayTimeout = Duration.ofSeconds(5);

		/**
		 * Maximum relayed polls waiting at once on one node; further polls get 503.
		 */
		private int maxRelayedPolls = 10_000;

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

		public Duration getHold() {
			return this.hold;
		}

		public void setHold(Duration hold) {
			this.hold = hold;
		}

		public Duration getLinger() {
			return this.linger;
		}

		public void setLinger(Duration linger) {
			this.linger = linger;
		}

		public Duration getRelayTimeout() {
			return this.relayTimeout;
		}

		public void setRelayTimeout(Duration relayTimeout) {
			this.relayTimeout = relayTimeout;
		}

		public int getMaxRelayedPolls() {
			return this.maxRelayedPolls;
		}

		public void setMaxRelayedPolls(int maxRelayedPolls) {
			this.maxRelayedPolls = maxRelayedPolls;
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
		 * Maximum pushes awaiting client acknowledgements at once on a node (and,
		 * separately, other nodes' pushes whose acknowledgements it forwards).
		 */
		private int maxPendingAcks = 10_000;

		/**
		 * Longest acknowledgement timeout a push may ask for.
		 */
		private Duration maxAckTimeout = Duration.ofSeconds(60);

		public int getMaxPendingAcks() {
			return this.maxPendingAcks;
		}

		public void setMaxPendingAcks(int maxPendingAcks) {
			this.maxPendingAcks = maxPendingAcks;
		}

		public Duration getMaxAckTimeout() {
			return this.maxAckTimeout;
		}

		public void setMaxAckTimeout(Duration maxAckTimeout) {
			this.maxAckTimeout = maxAckTimeout;
		}

		/**
		 * Maximum push batches waiting for one event loop before pushes are refused as
		 * overloaded.
		 */
		private int maxPendingBatchesPerLoop = 16384;

		/**
		 * Maximum open connections from one client address (0 for no limit). Only
		 * meaningful when the gateway sees client addresses: directly, or behind a proxy
		 * with server.forward-headers-strategy=native.
		 */
		private int maxConnectionsPerIp = 0;

		/**
		 * Maximum handshakes per second from one client address, WebSocket and
		 * long-polling together (0 for no limit); over it the handshake gets HTTP 429.
		 */
		private int maxHandshakesPerIpPerSecond = 0;

		/**
		 * Maximum frames one connection may send per second, heartbeats included (0 for
		 * no limit); a connection over it is closed with 4008.
		 */
		private int maxMessagesPerSecond = 500;

		/**
		 * Maximum bytes one connection may send per second (0 for no limit); a connection
		 * over it is closed with 4008.
		 */
		private DataSize maxBytesPerSecond = DataSize.ofMegabytes(1);

		public int getMaxConnectionsPerIp() {
			return this.maxConnectionsPerIp;
		}

		public void setMaxConnectionsPerIp(int maxConnectionsPerIp) {
			this.maxConnectionsPerIp = maxConnectionsPerIp;
		}

		public int getMaxHandshakesPerIpPerSecond() {
			return this.maxHandshakesPerIpPerSecond;
		}

		public void setMaxHandshakesPerIpPerSecond(int maxHandshakesPerIpPerSecond) {
			this.maxHandshakesPerIpPerSecond = maxHandshakesPerIpPerSecond;
		}

		public int getMaxMessagesPerSecond() {
			return this.maxMessagesPerSecond;
		}

		public void setMaxMessagesPerSecond(int maxMessagesPerSecond) {
			this.maxMessagesPerSecond = maxMessagesPerSecond;
		}

		public DataSize getMaxBytesPerSecond() {
			return this.maxBytesPerSecond;
		}

		public void setMaxBytesPerSecond(DataSize maxBytesPerSecond) {
			this.maxBytesPerSecond = maxBytesPerSecond;
		}

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

	/**
	 * Where sessions are kept.
	 */
	public enum RegistryType {

		/**
		 * In this node's memory: a single node.
		 */
		IN_MEMORY,

		/**
		 * In Redis, shared by every node of a cluster.
		 */
		REDIS

	}

	public static class Registry {

		/**
		 * Where sessions are kept: 'in-memory' for a single node, 'redis' for a cluster.
		 */
		private RegistryType type = RegistryType.IN_MEMORY;

		/**
		 * Prefix of every Redis key of the registry and of the Redis bus channel.
		 */
		private String keyPrefix = "ws";

		/**
		 * Interval at which queued session changes are written to Redis.
		 */
		private Duration syncInterval = Duration.ofMillis(100);

		/**
		 * Maximum session changes written in one round trip.
		 */
		private int maxBatch = 500;

		/**
		 * Maximum session changes queued while Redis is slow or down. Beyond it the queue
		 * is dropped and the node rewrites all of its sessions once Redis answers.
		 */
		private int maxQueued = 100_000;

		/**
		 * Interval at which last-seen times, kept in memory, are written to Redis.
		 */
		private Duration lastSeenSyncInterval = Duration.ofSeconds(30);

		/**
		 * Interval at which a node records in Redis that it is alive, and sweeps dead
		 * nodes.
		 */
		private Duration nodeHeartbeatInterval = Duration.ofSeconds(5);

		/**
		 * Time without a heartbeat after which a node counts as dead and its sessions are
		 * removed. Ghosts of a killed node disappear within this plus one heartbeat
		 * interval.
		 */
		private Duration nodeTimeout = Duration.ofSeconds(20);

		/**
		 * Maximum time one Redis call of the registry may take.
		 */
		private Duration commandTimeout = Duration.ofSeconds(5);

		/**
		 * Whether the application's Lettuce client rejects commands while disconnected
		 * from Redis instead of buffering them without bound, so the registry and the bus
		 * fail fast and recover. Lettuce has one such setting per client, so it applies
		 * to every use of Redis through Spring Boot's connection factory.
		 */
		private boolean rejectCommandsWhileDisconnected = true;

		public RegistryType getType() {
			return this.type;
		}

		public void setType(RegistryType type) {
			this.type = type;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getSyncInterval() {
			return this.syncInterval;
		}

		public void setSyncInterval(Duration syncInterval) {
			this.syncInterval = syncInterval;
		}

		public int getMaxBatch() {
			return this.maxBatch;
		}

		public void setMaxBatch(int maxBatch) {
			this.maxBatch = maxBatch;
		}

		public int getMaxQueued() {
			return this.maxQueued;
		}

		public void setMaxQueued(int maxQueued) {
			this.maxQueued = maxQueued;
		}

		public Duration getLastSeenSyncInterval() {
			return this.lastSeenSyncInterval;
		}

		public void setLastSeenSyncInterval(Duration lastSeenSyncInterval) {
			this.lastSeenSyncInterval = lastSeenSyncInterval;
		}

		public Duration getNodeHeartbeatInterval() {
			return this.nodeHeartbeatInterval;
		}

		public void setNodeHeartbeatInterval(Duration nodeHeartbeatInterval) {
			this.nodeHeartbeatInterval = nodeHeartbeatInterval;
		}

		public Duration getNodeTimeout() {
			return this.nodeTimeout;
		}

		public void setNodeTimeout(Duration nodeTimeout) {
			this.nodeTimeout = nodeTimeout;
		}

		public Duration getCommandTimeout() {
			return this.commandTimeout;
		}

		public boolean isRejectCommandsWhileDisconnected() {
			return this.rejectCommandsWhileDisconnected;
		}

		public void setRejectCommandsWhileDisconnected(boolean rejectCommandsWhileDisconnected) {
			this.rejectCommandsWhileDisconnected = rejectCommandsWhileDisconnected;
		}

		public void setCommandTimeout(Duration commandTimeout) {
			this.commandTimeout = commandTimeout;
		}

	}

	/**
	 * How pushes travel between nodes.
	 */
	public enum BusType {

		/**
		 * They do not: a single node.
		 */
		LOCAL,

		/**
		 * Over a Kafka topic that every node reads in full.
		 */
		KAFKA,

		/**
		 * Over a Redis pub/sub channel.
		 */
		REDIS

	}

	/**
	 * Which nodes get a push.
	 */
	public enum Routing {

		/**
		 * Every node; each delivers to its own connections.
		 */
		BROADCAST,

		/**
		 * Only the nodes the session registry says hold the target.
		 */
		TARGETED

	}

	public static class Bus {

		/**
		 * How pushes travel between nodes: 'local' for a single node, 'kafka' or 'redis'
		 * for a cluster.
		 */
		private BusType type = BusType.LOCAL;

		/**
		 * Which nodes get a push: 'broadcast' sends every push to every node; 'targeted'
		 * asks the session registry which nodes hold the target and sends it to those
		 * only.
		 */
		private Routing routing = Routing.BROADCAST;

		private final Kafka kafka = new Kafka();

		private final RedisBus redis = new RedisBus();

		public Routing getRouting() {
			return this.routing;
		}

		public void setRouting(Routing routing) {
			this.routing = routing;
		}

		public BusType getType() {
			return this.type;
		}

		public void setType(BusType type) {
			this.type = type;
		}

		public Kafka getKafka() {
			return this.kafka;
		}

		public RedisBus getRedis() {
			return this.redis;
		}

	}

	public static class Kafka {

		/**
		 * Kafka bootstrap servers.
		 */
		private String bootstrapServers = "localhost:9092";

		/**
		 * Downstream topic that every node publishes its pushes to and reads in full.
		 */
		private String topic = "push-gateway.downstream";

		/**
		 * Whether to create the downstream topic when it is missing.
		 */
		private boolean createTopic = true;

		/**
		 * Partitions of a created downstream topic.
		 */
		private int partitions = 12;

		/**
		 * Replication factor of a created downstream topic.
		 */
		private short replicationFactor = 1;

		/**
		 * Partitions of a created mailbox topic ('{topic}.nodes'), which carries pushes
		 * routed to particular nodes.
		 */
		private int mailboxPartitions = 16;

		public int getMailboxPartitions() {
			return this.mailboxPartitions;
		}

		public void setMailboxPartitions(int mailboxPartitions) {
			this.mailboxPartitions = mailboxPartitions;
		}

		/**
		 * Maximum records waiting for the publisher thread; beyond it publishing fails at
		 * once.
		 */
		private int publishQueueCapacity = 10_000;

		/**
		 * Time Kafka has to accept a record before publishing fails.
		 */
		private Duration publishTimeout = Duration.ofSeconds(10);

		/**
		 * Memory the producer may use to buffer records not yet sent.
		 */
		private DataSize bufferMemory = DataSize.ofMegabytes(32);

		/**
		 * Further Kafka producer properties (the bus and the upstream publisher). Those
		 * that are admin client settings too (security.protocol, sasl.*, ssl.*) also
		 * configure the admin client that creates topics.
		 */
		private Map<String, String> producer = new HashMap<>();

		/**
		 * Further Kafka consumer properties. Those that are admin client settings too
		 * (security.protocol, sasl.*, ssl.*) also configure the admin client that creates
		 * topics.
		 */
		private Map<String, String> consumer = new HashMap<>();

		public String getBootstrapServers() {
			return this.bootstrapServers;
		}

		public void setBootstrapServers(String bootstrapServers) {
			this.bootstrapServers = bootstrapServers;
		}

		public String getTopic() {
			return this.topic;
		}

		public void setTopic(String topic) {
			this.topic = topic;
		}

		public boolean isCreateTopic() {
			return this.createTopic;
		}

		public void setCreateTopic(boolean createTopic) {
			this.createTopic = createTopic;
		}

		public int getPartitions() {
			return this.partitions;
		}

		public void setPartitions(int partitions) {
			this.partitions = partitions;
		}

		public short getReplicationFactor() {
			return this.replicationFactor;
		}

		public void setReplicationFactor(short replicationFactor) {
			this.replicationFactor = replicationFactor;
		}

		public int getPublishQueueCapacity() {
			return this.publishQueueCapacity;
		}

		public void setPublishQueueCapacity(int publishQueueCapacity) {
			this.publishQueueCapacity = publishQueueCapacity;
		}

		public Duration getPublishTimeout() {
			return this.publishTimeout;
		}

		public void setPublishTimeout(Duration publishTimeout) {
			this.publishTimeout = publishTimeout;
		}

		public DataSize getBufferMemory() {
			return this.bufferMemory;
		}

		public void setBufferMemory(DataSize bufferMemory) {
			this.bufferMemory = bufferMemory;
		}

		public Map<String, String> getProducer() {
			return this.producer;
		}

		public void setProducer(Map<String, String> producer) {
			this.producer = producer;
		}

		public Map<String, String> getConsumer() {
			return this.consumer;
		}

		public void setConsumer(Map<String, String> consumer) {
			this.consumer = consumer;
		}

	}

	public static class RedisBus {

		/**
		 * Pub/sub channel of the Redis bus. Defaults to the registry's key prefix
		 * followed by ':bus'.
		 */
		private @Nullable String channel;

		/**
		 * Maximum publishes awaiting Redis; beyond it publishing fails at once.
		 */
		private int maxInFlight = 10_000;

		/**
		 * Time Redis has to accept a publish before it fails.
		 */
		private Duration publishTimeout = Duration.ofSeconds(5);

		public @Nullable String getChannel() {
			return this.channel;
		}

		public void setChannel(@Nullable String channel) {
			this.channel = channel;
		}

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public Duration getPublishTimeout() {
			return this.publishTimeout;
		}

		public void setPublishTimeout(Duration publishTimeout) {
			this.publishTimeout = publishTimeout;
		}

	}

	public static class Upstream {

		private final UpstreamKafka kafka = new UpstreamKafka();

		public UpstreamKafka getKafka() {
			return this.kafka;
		}

	}

	public static class UpstreamKafka {

		/**
		 * Whether to publish client messages to the upstream Kafka topic. Uses the
		 * bootstrap servers and producer properties of 'push.gateway.bus.kafka'.
		 */
		private boolean enabled = false;

		/**
		 * Upstream topic that client messages are published to.
		 */
		private String topic = "push-gateway.upstream";

		/**
		 * Event name patterns ('*' wildcards) of the client messages to publish. Events
		 * that an application UpstreamHandler supports are handled by it instead.
		 */
		private List<String> events = new ArrayList<>(List.of("*"));

		/**
		 * Maximum messages waiting for the publisher thread; beyond it clients get error
		 * 4503 at once.
		 */
		private int publishQueueCapacity = 10_000;

		/**
		 * Time Kafka has to accept a message before the client gets error 4503.
		 */
		private Duration publishTimeout = Duration.ofSeconds(5);

		/**
		 * Memory the upstream producer may use to buffer messages not yet sent.
		 */
		private DataSize bufferMemory = DataSize.ofMegabytes(16);

		/**
		 * Whether to create the upstream topic at startup when it does not exist. When
		 * off, startup fails if the topic is missing.
		 */
		private boolean createTopic = true;

		/**
		 * Partitions of the upstream topic when the gateway creates it. Messages of one
		 * user keep their order (the record key is the uid).
		 */
		private int partitions = 3;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isCreateTopic() {
			return this.createTopic;
		}

		public void setCreateTopic(boolean createTopic) {
			this.createTopic = createTopic;
		}

		public int getPartitions() {
			return this.partitions;
		}

		public void setPartitions(int partitions) {
			this.partitions = partitions;
		}

		public String getTopic() {
			return this.topic;
		}

		public void setTopic(String topic) {
			this.topic = topic;
		}

		public List<String> getEvents() {
			return this.events;
		}

		public void setEvents(List<String> events) {
			this.events = events;
		}

		public int getPublishQueueCapacity() {
			return this.publishQueueCapacity;
		}

		public void setPublishQueueCapacity(int publishQueueCapacity) {
			this.publishQueueCapacity = publishQueueCapacity;
		}

		public Duration getPublishTimeout() {
			return this.publishTimeout;
		}

		public void setPublishTimeout(Duration publishTimeout) {
			this.publishTimeout = publishTimeout;
		}

		public DataSize getBufferMemory() {
			return this.bufferMemory;
		}

		public void setBufferMemory(DataSize bufferMemory) {
			this.bufferMemory = bufferMemory;
		}

	}

	public static class Recovery {

		/**
		 * Whether pushes can be made recoverable: kept in a bounded stream per user and
		 * per GUID (in Redis with the Redis registry, in memory otherwise) and replayed
		 * to clients that reconnect with their last position.
		 */
		private boolean enabled = false;

		/**
		 * Whether every push to a user or a GUID is recoverable, not only those sent with
		 * pushRecoverable.
		 */
		private boolean allPushes = false;

		/**
		 * Maximum pushes kept per stream; also the most a reconnecting client is sent.
		 */
		private int maxLength = 1000;

		/**
		 * Maximum age of a kept push; idle streams disappear after twice this.
		 */
		private Duration maxAge = Duration.ofMinutes(10);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isAllPushes() {
			return this.allPushes;
		}

		public void setAllPushes(boolean allPushes) {
			this.allPushes = allPushes;
		}

		public int getMaxLength() {
			return this.maxLength;
		}

		public void setMaxLength(int maxLength) {
			this.maxLength = maxLength;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

	}

}
