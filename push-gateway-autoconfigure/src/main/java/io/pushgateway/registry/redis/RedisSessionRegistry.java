package io.pushgateway.registry.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgateway.core.PushTarget;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.metrics.NodeStats;
import io.pushgateway.redis.CancelGuard;
import io.pushgateway.redis.GuardedRedisTemplate;
import io.pushgateway.spi.BackendHealth;
import io.pushgateway.spi.LocalSessions;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.Session;
import io.pushgateway.spi.SessionRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;

/**
 * A {@link SessionRegistry} in Redis, shared by every node of a cluster, under the seed's
 * keys. With the default prefix {@code ws}, these Redis commands create the schema (the
 * braces are literal: each is a Redis Cluster hash tag, see {@link RedisKeys}):
 *
 * <pre class="code">
 * HSET ws:user:clients:{uid} {socketId} {node}          the sockets of a user, and the node of each
 * HSET ws:guid:clients:{guid} {socketId} {node}         the sockets attached to a GUID
 * HSET ws:client:{socketId} uid {uid} node {node} connectedAt {ms} lastSeen {ms} guids {JSON array}
 * SADD ws:node:clients:{node} {socketId}                the sockets of a node, to sweep when it dies
 * HINCRBY ws:users {uid} 1                              the users with at least one socket
 * ZADD ws:nodes {Redis TIME in ms} {node}               node liveness, refreshed every heartbeat
 * SET  ws:worker:{workerId} {owner} NX PX {lease}       leased Snowflake worker IDs
 * </pre>
 *
 * <p>
 * Nothing here is on the delivery path. Session changes are queued in memory (bounded)
 * and written every {@code syncInterval}: on a standalone Redis as one Lua script call
 * per batch, on Redis Cluster as one call per hash slot the batch touches, sent together
 * (no call spans two slots). Last-seen times are kept in memory and written every
 * {@code lastSeenSyncInterval}. Every node sweeps the sessions of nodes whose heartbeat
 * is older than {@code nodeTimeout}, so a killed node leaves no ghosts. When Redis is
 * unreachable, changes are dropped once the queue is full and the node rewrites all of
 * its sessions from its hub as soon as Redis answers again (also when it finds that
 * others swept it as dead).
 *
 * <p>
 * This class plays the SPI's role and runs the tasks; each job is a collaborator of its
 * own, as Spring Session splits its Redis repository: the bounded queue of changes
 * ({@link RegistryWriteBehind}) and their encoding as script calls, per hash slot on
 * Redis Cluster ({@link ApplyCalls}, {@link SlotPartition}); the writing of a batch
 * ({@link RegistryWriter}), which enforces the per-user limit
 * ({@link UserConnectionLimit}); the rewrite after an outage ({@link RegistryResync});
 * the node's liveness ({@link NodeHeartbeat}) and the sweep of dead nodes
 * ({@link DeadNodeSweeper}); last-seen times ({@link LastSeenSync}); the end of presence
 * grace periods ({@link PresenceExpiry}); health ({@link RegistryHealth}); and the
 * lookups for routing and operators ({@link RegistryLookups}). The application's presence
 * queries are not the registry's: {@link RedisPresence} reads the same keys.
 *
 * @author Push Gateway team
 */
public final class RedisSessionRegistry implements SessionRegistry, SmartLifecycle {

	/**
	 * Stops after the node has drained its connections, so their removal is written: one
	 * below {@code NodeLifecycle.PHASE} (a test keeps the two in step).
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 513;

	private static final Log logger = LogFactory.getLog(RedisSessionRegistry.class);

	private final RedisRegistrySettings settings;

	private final GatewayMetrics metrics;

	private final RegistryWriteBehind writeBehind;

	private final RegistryHealth health = new RegistryHealth();

	private final RegistryWriter writer;

	private final RegistryResync resync;

	private final NodeHeartbeat heartbeat;

	private final DeadNodeSweeper sweeper;

	private final LastSeenSync lastSeen;

	private final PresenceExpiry presenceExpiry;

	private final RegistryLookups lookups;

	private volatile Disposable.Composite tasks = Disposables.composite();

	private volatile boolean running;

	/**
	 * Create a registry.
	 * @param connectionFactory the Redis connection factory
	 * @param settings the settings
	 * @param hub this node's hub
	 * @param evictor closes a socket (by ID, on the named node) that exceeds the
	 * cluster-wide per-user limit
	 */
	public RedisSessionRegistry(ReactiveRedisConnectionFactory connectionFactory, RedisRegistrySettings settings,
			LocalSessions hub, BiConsumer<Long, String> evictor) {
		this(connectionFactory, settings, hub, evictor, new GatewayMetrics(new SimpleMeterRegistry(), NodeStats.NONE));
	}

	/**
	 * Create a registry that records its writes, lag and failures.
	 * @param connectionFactory the Redis connection factory
	 * @param settings the settings
	 * @param hub this node's hub
	 * @param evictor closes a socket (by ID, on the named node) that exceeds the
	 * cluster-wide per-user limit
	 * @param metrics the gateway's meters
	 */
	public RedisSessionRegistry(ReactiveRedisConnectionFactory connectionFactory, RedisRegistrySettings settings,
			LocalSessions hub, BiConsumer<Long, String> evictor, GatewayMetrics metrics) {
		this(connectionFactory, settings, hub, evictor, metrics, PresenceTracking.OFF);
	}

	/**
	 * Create a registry that also reports presence transitions, each once cluster-wide.
	 * @param connectionFactory the Redis connection factory
	 * @param settings the settings
	 * @param hub this node's hub
	 * @param evictor closes a socket (by ID, on the named node) that exceeds the
	 * cluster-wide per-user limit
	 * @param metrics the gateway's meters
	 * @param tracking whether and how presence transitions are reported
	 */
	public RedisSessionRegistry(ReactiveRedisConnectionFactory connectionFactory, RedisRegistrySettings settings,
			LocalSessions hub, BiConsumer<Long, String> evictor, GatewayMetrics metrics, PresenceTracking tracking) {
		ReactiveRedisTemplate<String, String> redis = GuardedRedisTemplate.strings(connectionFactory);
		RedisKeys keys = new RedisKeys(settings.keyPrefix());
		boolean cluster = SlotPartition.isCluster(connectionFactory);
		this.settings = settings;
		this.metrics = metrics;
		this.writeBehind = new RegistryWriteBehind(settings.maxQueued(), settings.maxBatch());
		this.writer = new RegistryWriter(redis, keys, cluster, settings,
				new UserConnectionLimit(settings.maxConnectionsPerUser(), evictor), tracking, this.writeBehind,
				this.health);
		this.resync = new RegistryResync(redis, keys, settings, hub, this.writeBehind, this.writer);
		this.heartbeat = new NodeHeartbeat(redis, keys, settings, this.writeBehind, this::isRunning);
		this.sweeper = new DeadNodeSweeper(redis, keys, settings, this.writer);
		this.lastSeen = new LastSeenSync(hub, this.writeBehind, metrics);
		this.presenceExpiry = new PresenceExpiry(redis, keys, cluster, settings.commandTimeout(), tracking);
		this.lookups = new RegistryLookups(redis, keys, settings.commandTimeout());
		metrics.gauge("push.gateway.registry.queued", "Session changes waiting to be written to the shared registry",
				this.writeBehind, RegistryWriteBehind::queued);
	}

	// write side: called by the hub, on any thread; only queues

	@Override
	public void register(Session session) {
		this.writeBehind.enqueue(ApplyCalls.register(session, this.settings.clientAddresses()));
	}

	@Override
	public void unregister(Session session) {
		this.writeBehind.enqueue(ApplyCalls.unregister(Long.toString(session.socketId()), session.uid(),
				this.settings.nodeId(), session.guids()));
	}

	@Override
	public void joined(Session session, String guid) {
		this.writeBehind.enqueue(ApplyCalls.join(Long.toString(session.socketId()), session.uid(), guid));
	}

	@Override
	public void left(Session session, String guid) {
		this.writeBehind.enqueue(ApplyCalls.leave(Long.toString(session.socketId()), session.uid(), guid));
	}

	// the writer

	@Override
	public void start() {
		this.running = true;
		// register the node and whatever the hub holds already before accepting
		// connections, and before the periodic heartbeat: one racing this first beat
		// could find the node new after the first resync and make another due
		this.heartbeat.beat().then(flush()).block(this.settings.commandTimeout().multipliedBy(2));
		Disposable.Composite tasks = Disposables.composite();
		tasks.add(every("sync", this.settings.syncInterval(), this::flush));
		tasks.add(every("heartbeat", this.settings.nodeHeartbeatInterval(),
				() -> this.heartbeat.beat().then(this.sweeper.sweep())));
		tasks.add(every("last_seen", this.settings.lastSeenSyncInterval(),
				() -> Mono.fromRunnable(this.lastSeen::queueChanged)));
		if (this.presenceExpiry.isNeeded()) {
			tasks.add(every("presence", this.presenceExpiry.checkInterval(), this.presenceExpiry::expire));
		}
		this.tasks = tasks;
	}

	private Disposable every(String operation, Duration period, Supplier<Mono<?>> task) {
		return Flux.interval(period, period, Schedulers.parallel())
			.onBackpressureDrop()
			// every command has its own timeout; this one bounds a task that is many
			// commands
			.concatMap((tick) -> task.get()
				.timeout(this.settings.commandTimeout().multipliedBy(30))
				.onErrorResume((error) -> {
					this.metrics.registryFailed(operation);
					if (logger.isDebugEnabled()) {
						logger.debug("Registry task " + operation + " failed", error);
					}
					this.writeBehind.requestResync();
					this.health.down(error);
					return Mono.empty();
				}), 1)
			.contextWrite(CancelGuard.droppedErrorsAtDebug())
			.subscribe();
	}

	/**
	 * Write what is queued, or everything the hub holds after an outage.
	 * @return completes when written
	 */
	Mono<Void> flush() {
		return Mono.defer(() -> {
			if (this.writeBehind.isResyncNeeded()) {
				return this.resync.resync();
			}
			List<String[]> batch = this.writeBehind.drain();
			if (batch.isEmpty()) {
				return Mono.empty();
			}
			long oldest = this.writeBehind.takeOldestQueuedNanos();
			long start = System.nanoTime();
			return this.writer.apply(batch)
				.doOnSuccess((done) -> this.metrics.registrySynced(batch.size(), System.nanoTime() - start,
						(oldest != 0) ? start - oldest : 0))
				.then(flush());
		});
	}

	/**
	 * Whether the last write reached Redis.
	 * @return {@code true} when healthy
	 */
	@Override
	public BackendHealth health() {
		return new BackendHealth(isHealthy(), Map.of("queuedChanges", queued(), "sweptSessions", sweptSessions()));
	}

	public boolean isHealthy() {
		return this.health.isHealthy();
	}

	/**
	 * Session changes waiting to be written.
	 * @return the count
	 */
	public int queued() {
		return this.writeBehind.queued();
	}

	/**
	 * How many sessions of dead nodes this node swept.
	 * @return the count
	 */
	public long sweptSessions() {
		return this.sweeper.sweptSessions();
	}

	@Override
	public void stop() {
		this.running = false;
		this.tasks.dispose();
		try {
			flush().then(this.heartbeat.leave()).block(this.settings.commandTimeout());
		}
		catch (RuntimeException ex) {
			logger.warn("Could not remove node " + this.settings.nodeId() + " from Redis on shutdown; other nodes will "
					+ "sweep it after " + this.settings.nodeTimeout().toSeconds() + " s: " + ex.getMessage());
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	// lookups for routing and operators

	@Override
	public Mono<Set<String>> nodesOf(PushTarget target) {
		return this.lookups.nodesOf(target);
	}

	@Override
	public Mono<Map<String, String>> describe(long socketId) {
		return this.lookups.describe(socketId);
	}

}
