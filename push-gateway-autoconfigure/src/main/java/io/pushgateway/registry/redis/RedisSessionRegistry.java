package io.pushgateway.registry.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgateway.core.ClusterStats;
import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.metrics.NodeStats;
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
import reactor.util.concurrent.Queues;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A {@link SessionRegistry} in Redis, shared by every node of a cluster, under the seed's
 * keys. With the default prefix {@code ws}, these Redis commands create the schema:
 *
 * <pre class="code">
 * HSET ws:user:clients:{uid} {socketId} {node}          the sockets of a user, and the node of each
 * HSET ws:guid:clients:{guid} {socketId} {node}         the sockets attached to a GUID
 * HSET ws:client:{socketId} uid {uid} node {node} connectedAt {ms} lastSeen {ms} guids {JSON array}
 * SADD ws:node:clients:{node} {socketId}                the sockets of a node, to sweep when it dies
 * SADD ws:users {uid}                                   the users with at least one socket
 * ZADD ws:nodes {Redis TIME in ms} {node}               node liveness, refreshed every heartbeat
 * SET  ws:worker:{workerId} {owner} NX PX {lease}       leased Snowflake worker IDs
 * </pre>
 *
 * <p>
 * Nothing here is on the delivery path. Session changes are queued in memory (bounded)
 * and written every {@code syncInterval} as one Lua script call per batch; last-seen
 * times are kept in memory and written every {@code lastSeenSyncInterval}. Every node
 * sweeps the sessions of nodes whose heartbeat is older than {@code nodeTimeout}, so a
 * killed node leaves no ghosts. When Redis is unreachable, changes are dropped once the
 * queue is full and the node rewrites all of its sessions from its hub as soon as Redis
 * answers again (also when it finds that others swept it as dead).
 *
 * <p>
 * The scripts build key names from the prefix, so the registry needs a standalone or
 * Sentinel-managed Redis, not Redis Cluster.
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

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> APPLY = script(List.class, "presence.lua", "remove-session.lua",
			"apply.lua");

	private static final RedisScript<Long> HEARTBEAT = script(Long.class, "heartbeat.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> SWEEP = script(List.class, "presence.lua", "remove-session.lua",
			"sweep.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> EXPIRE_PRESENCE = script(List.class, "presence.lua", "expire-presence.lua");

	/** The most grace periods one check ends, so one call stays short. */
	private static final int MAX_EXPIRED_PER_CALL = 1000;

	private final ReactiveStringRedisTemplate redis;

	private final RedisRegistrySettings settings;

	private final LocalSessions hub;

	private final BiConsumer<Long, String> evictor;

	private final Queue<String[]> queue = Queues.<String[]>unboundedMultiproducer().get();

	private final AtomicInteger queued = new AtomicInteger();

	private final AtomicBoolean resyncNeeded = new AtomicBoolean(true);

	private final AtomicBoolean healthy = new AtomicBoolean(true);

	private final AtomicLong sweptSessions = new AtomicLong();

	private volatile Disposable.Composite tasks = Disposables.composite();

	/** When the oldest change now queued was queued; 0 when none is. */
	private final AtomicLong oldestQueuedNanos = new AtomicLong();

	private final GatewayMetrics metrics;

	private final RedisPresence presence;

	private final PresenceTracking tracking;

	private volatile boolean running;

	/** The latest last-seen time the previous sync queued; 0 before the first. */
	private volatile long lastSeenSyncedUpTo;

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
		this.tracking = tracking;
		this.redis = new ReactiveStringRedisTemplate(connectionFactory);
		this.settings = settings;
		this.hub = hub;
		this.evictor = evictor;
		this.metrics = metrics;
		this.presence = new RedisPresence(this.redis, settings.keyPrefix(), settings.commandTimeout());
		metrics.gauge("push.gateway.registry.queued", "Session changes waiting to be written to the shared registry",
				this.queued, AtomicInteger::get);
	}

	/*
	 * Loads a script once, so no file is read on a Reactor thread later; several parts
	 * are concatenated, which is how scripts share Lua functions.
	 */
	static <T> RedisScript<T> script(Class<T> type, String... parts) {
		StringBuilder script = new StringBuilder();
		for (String part : parts) {
			try {
				script.append(new ClassPathResource(part, RedisSessionRegistry.class)
					.getContentAsString(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return RedisScript.of(script.toString(), type);
	}

	private String key(String suffix) {
		return this.settings.keyPrefix() + ':' + suffix;
	}

	// write side: called by the hub, on any thread; only queues

	@Override
	public void register(Session session) {
		Set<String> guids = session.guids();
		String[] op = new String[6 + guids.size()];
		op[0] = "R";
		op[1] = Long.toString(session.socketId());
		op[2] = session.uid();
		op[3] = Long.toString(SnowflakeIdGenerator.timestampOf(session.socketId()).toEpochMilli());
		op[4] = Long.toString(session.lastSeen());
		op[5] = Integer.toString(guids.size());
		int i = 6;
		for (String guid : guids) {
			op[i++] = guid;
		}
		enqueue(op);
	}

	@Override
	public void unregister(Session session) {
		enqueue(new String[] { "U", Long.toString(session.socketId()) });
	}

	@Override
	public void joined(Session session, String guid) {
		enqueue(new String[] { "J", Long.toString(session.socketId()), guid });
	}

	@Override
	public void left(Session session, String guid) {
		enqueue(new String[] { "L", Long.toString(session.socketId()), guid });
	}

	private void enqueue(String[] op) {
		if (this.resyncNeeded.get()) {
			// the resync will write the hub's current state, which includes this change
			return;
		}
		if (this.queued.incrementAndGet() > this.settings.maxQueued()) {
			this.queued.decrementAndGet();
			this.resyncNeeded.set(true);
			return;
		}
		this.queue.offer(op);
		this.oldestQueuedNanos.compareAndSet(0, System.nanoTime());
	}

	// the writer

	@Override
	public void start() {
		Disposable.Composite tasks = Disposables.composite();
		tasks.add(every("sync", this.settings.syncInterval(), this::flush));
		tasks.add(every("heartbeat", this.settings.nodeHeartbeatInterval(), () -> heartbeat().then(sweep())));
		tasks.add(
				every("last_seen", this.settings.lastSeenSyncInterval(), () -> Mono.fromRunnable(this::queueLastSeen)));
		if (this.tracking.enabled() && !this.tracking.gracePeriod().isZero()) {
			tasks.add(every("presence", presenceCheckInterval(this.tracking.gracePeriod()), this::expirePresence));
		}
		this.tasks = tasks;
		this.running = true;
		// register the node and whatever the hub holds already before accepting
		// connections
		heartbeat().then(flush()).block(this.settings.commandTimeout().multipliedBy(2));
	}

	private Disposable every(String operation, Duration period, Supplier<Mono<?>> task) {
		return Flux.interval(period, period, Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> task.get().onErrorResume((error) -> {
				this.metrics.registryFailed(operation);
				unhealthy(error);
				return Mono.empty();
			}), 1)
			.subscribe();
	}

	/**
	 * Write what is queued, or everything the hub holds after an outage.
	 * @return completes when written
	 */
	Mono<Void> flush() {
		return Mono.defer(() -> {
			if (this.resyncNeeded.get()) {
				return resync();
			}
			List<String[]> batch = drain();
			if (batch.isEmpty()) {
				return Mono.empty();
			}
			long oldest = this.oldestQueuedNanos.getAndSet(this.queue.isEmpty() ? 0 : System.nanoTime());
			long start = System.nanoTime();
			return apply(batch)
				.doOnSuccess((done) -> this.metrics.registrySynced(batch.size(), System.nanoTime() - start,
						(oldest != 0) ? start - oldest : 0))
				.then(flush());
		});
	}

	private List<String[]> drain() {
		List<String[]> batch = new ArrayList<>();
		String[] op;
		while (batch.size() < this.settings.maxBatch() && (op = this.queue.poll()) != null) {
			this.queued.decrementAndGet();
			batch.add(op);
		}
		return batch;
	}

	@SuppressWarnings("unchecked")
	private Mono<Void> apply(List<String[]> batch) {
		List<String> args = new ArrayList<>();
		args.add(this.settings.keyPrefix());
		args.add(this.settings.nodeId());
		args.add(Integer.toString(this.settings.maxConnectionsPerUser()));
		args.add(graceMillis());
		for (String[] op : batch) {
			args.addAll(List.of(op));
		}
		return this.redis.execute(APPLY, List.of(), args)
			.collectList()
			.map(RedisSessionRegistry::reply)
			.timeout(this.settings.commandTimeout())
			.doOnNext((result) -> {
				enforceUserLimit((List<Object>) result.get(0));
				emit((List<Object>) result.get(1));
			})
			.doOnError((error) -> this.resyncNeeded.set(true))
			.then(Mono.fromRunnable(this::healthy));
	}

	/*
	 * Rewrite every session of this node from the hub, then remove the node's sessions
	 * Redis still holds but the hub does not (closed while Redis was unreachable).
	 */
	private Mono<Void> resync() {
		this.resyncNeeded.set(false);
		this.queue.clear();
		this.queued.set(0);
		List<Session> connections = new ArrayList<>(this.hub.sessions());
		Set<String> local = new HashSet<>();
		connections.forEach((connection) -> local.add(Long.toString(connection.socketId())));
		List<String[]> ops = new ArrayList<>(connections.size());
		for (Session connection : connections) {
			register(connection);
			ops.addAll(drain());
		}
		return Flux.fromIterable(partition(ops))
			.concatMap(this::apply)
			.thenMany(this.redis.opsForSet().members(key("node:clients:" + this.settings.nodeId())))
			.filter((sid) -> !local.contains(sid))
			.map((sid) -> new String[] { "U", sid })
			.collectList()
			.flatMapMany((stale) -> Flux.fromIterable(partition(stale)))
			.concatMap(this::apply)
			.then()
			.doOnSuccess((done) -> logger
				.info("Registry resynchronized " + connections.size() + " sessions of node " + this.settings.nodeId()))
			.doOnError((error) -> this.resyncNeeded.set(true));
	}

	private List<List<String[]>> partition(List<String[]> ops) {
		List<List<String[]>> batches = new ArrayList<>();
		for (int i = 0; i < ops.size(); i += this.settings.maxBatch()) {
			batches.add(ops.subList(i, Math.min(ops.size(), i + this.settings.maxBatch())));
		}
		return batches;
	}

	/*
	 * Queues the last-seen times that changed since the previous sync: a connection that
	 * sent nothing since (a long heartbeat interval) costs Redis nothing.
	 */
	private void queueLastSeen() {
		// in the hub's own clock: the latest last-seen time of the previous sync
		long since = this.lastSeenSyncedUpTo;
		long latest = since;
		int count = 0;
		for (Session connection : this.hub.sessions()) {
			long lastSeen = connection.lastSeen();
			if (lastSeen > since) {
				enqueue(new String[] { "T", Long.toString(connection.socketId()), Long.toString(lastSeen) });
				count++;
				latest = Math.max(latest, lastSeen);
			}
		}
		this.lastSeenSyncedUpTo = latest;
		this.metrics.lastSeenSynced(count);
	}

	private Mono<Void> heartbeat() {
		return this.redis.execute(HEARTBEAT, List.of(), List.of(this.settings.keyPrefix(), this.settings.nodeId()))
			.next()
			.timeout(this.settings.commandTimeout())
			.doOnNext((added) -> {
				if (added == 1 && this.running && !this.resyncNeeded.get()) {
					logger.warn("Node " + this.settings.nodeId()
							+ " was unknown to Redis (restarted, or swept as dead);" + " resynchronizing its sessions");
					this.resyncNeeded.set(true);
				}
			})
			.then();
	}

	@SuppressWarnings("unchecked")
	private Mono<Void> sweep() {
		return this.redis
			.execute(SWEEP, List.of(),
					List.of(this.settings.keyPrefix(), Long.toString(this.settings.nodeTimeout().toMillis()),
							graceMillis()))
			.collectList()
			.map(RedisSessionRegistry::reply)
			.timeout(this.settings.commandTimeout())
			.doOnNext((result) -> {
				long removed = (Long) result.get(0);
				emit((List<Object>) result.get(1));
				if (removed > 0) {
					this.sweptSessions.addAndGet(removed);
					logger.info("Removed " + removed + " sessions of nodes silent for more than "
							+ this.settings.nodeTimeout().toSeconds() + " s");
				}
			})
			.then();
	}

	// presence: the scripts decide each transition once; this node emits what its calls
	// decided

	private String graceMillis() {
		return this.tracking.enabled() ? Long.toString(this.tracking.gracePeriod().toMillis()) : "-1";
	}

	/*
	 * Short enough that a loss is reported soon after its grace period ends, long enough
	 * that an idle cluster costs Redis little: a fifth of the grace period, between 50 ms
	 * and 1 s.
	 */
	static Duration presenceCheckInterval(Duration gracePeriod) {
		Duration fifth = gracePeriod.dividedBy(5);
		Duration min = Duration.ofMillis(50);
		Duration max = Duration.ofSeconds(1);
		return (fifth.compareTo(min) < 0) ? min : (fifth.compareTo(max) > 0) ? max : fifth;
	}

	@SuppressWarnings("unchecked")
	private Mono<Void> expirePresence() {
		return this.redis
			.execute(EXPIRE_PRESENCE, List.of(),
					List.of(this.settings.keyPrefix(), Integer.toString(MAX_EXPIRED_PER_CALL)))
			.collectList()
			.map(RedisSessionRegistry::reply)
			.timeout(this.settings.commandTimeout())
			.doOnNext(this::emit)
			.then();
	}

	/*
	 * A script's array reply, whether the driver emitted it as one element or element by
	 * element.
	 */
	@SuppressWarnings("unchecked")
	private static List<Object> reply(List<?> emitted) {
		if (emitted.size() == 1 && emitted.get(0) instanceof List<?> whole) {
			return (List<Object>) whole;
		}
		return (List<Object>) emitted;
	}

	private void emit(List<Object> events) {
		if (events.size() < 2) {
			return;
		}
		for (PresenceEvent event : PresenceSubjects.events(events)) {
			this.tracking.emit(event);
		}
	}

	private void enforceUserLimit(List<Object> overLimit) {
		for (Object entry : overLimit) {
			List<?> fields = (List<?>) entry;
			List<SocketPresence> sockets = new ArrayList<>();
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				sockets.add(new SocketPresence(Long.parseLong(text(fields.get(i))), text(fields.get(i + 1))));
			}
			sockets.sort(Comparator.comparingLong(SocketPresence::socketId));
			for (SocketPresence oldest : sockets.subList(0, sockets.size() - this.settings.maxConnectionsPerUser())) {
				this.evictor.accept(oldest.socketId(), oldest.node());
			}
		}
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	private void unhealthy(Throwable error) {
		this.resyncNeeded.set(true);
		if (this.healthy.compareAndSet(true, false)) {
			logger.warn("Redis session registry unreachable; connections keep working, sessions will be rewritten when "
					+ "Redis answers: " + error);
		}
	}

	private void healthy() {
		if (this.healthy.compareAndSet(false, true)) {
			logger.info("Redis session registry reachable again");
		}
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
		return this.healthy.get();
	}

	/**
	 * Session changes waiting to be written.
	 * @return the count
	 */
	public int queued() {
		return this.queued.get();
	}

	/**
	 * How many sessions of dead nodes this node swept.
	 * @return the count
	 */
	public long sweptSessions() {
		return this.sweptSessions.get();
	}

	@Override
	public void stop() {
		this.running = false;
		this.tasks.dispose();
		try {
			flush().then(this.redis.opsForZSet().remove(key("nodes"), this.settings.nodeId()))
				.then(this.redis.delete(key("node:clients:" + this.settings.nodeId())))
				.block(this.settings.commandTimeout());
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

	// read side: the presence queries, in RedisPresence

	@Override
	public Mono<Set<String>> nodesOf(PushTarget target) {
		return this.presence.nodesOf(target);
	}

	@Override
	public Mono<Boolean> isOnline(String uid) {
		return this.presence.isOnline(uid);
	}

	@Override
	public Mono<List<SocketPresence>> socketsOf(String uid) {
		return this.presence.socketsOf(uid);
	}

	@Override
	public Mono<Map<String, String>> describe(long socketId) {
		return this.presence.describe(socketId);
	}

	@Override
	public Mono<Long> guidConnections(String guid) {
		return this.presence.guidConnections(guid);
	}

	@Override
	public Mono<ClusterStats> stats() {
		return this.presence.stats();
	}

}
