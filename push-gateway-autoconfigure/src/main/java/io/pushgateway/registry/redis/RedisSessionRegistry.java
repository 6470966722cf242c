package io.pushgateway.registry.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import io.pushgateway.redis.CancelGuard;
import io.pushgateway.redis.GuardedRedisTemplate;
import io.pushgateway.spi.BackendHealth;
import io.pushgateway.spi.LocalSessions;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.Session;
import io.pushgateway.spi.SessionRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;
import org.springframework.data.redis.core.script.RedisScript;

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
	private static final RedisScript<List> APPLY = script(List.class, "presence.lua", "apply.lua");

	private static final RedisScript<Long> USERS = script(Long.class, "users.lua");

	private static final RedisScript<Long> HEARTBEAT = script(Long.class, "heartbeat.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> DEAD_NODES = script(List.class, "dead-nodes.lua");

	private static final RedisScript<Long> FORGET_NODE = script(Long.class, "forget-node.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> DUE = script(List.class, "due.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> EXPIRE = script(List.class, "presence.lua", "expire.lua");

	private static final RedisScript<Long> PRUNE = script(Long.class, "prune.lua");

	/** How many script calls of one batch may await Redis at once (pipelined). */
	private static final int CONCURRENT_CALLS = 64;

	/** The most grace periods one check ends, so one call stays short. */
	private static final int MAX_EXPIRED_PER_CALL = 1000;

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisKeys keys;

	/** Redis Cluster: one script call per hash slot, cluster-wide keys written apart. */
	private final boolean cluster;

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
	 * How often other nodes swept this one as dead, as last read; null before the first
	 * read.
	 */
	private volatile @Nullable String sweptCount;

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
		this.redis = GuardedRedisTemplate.strings(connectionFactory);
		this.keys = new RedisKeys(settings.keyPrefix());
		this.cluster = isCluster(connectionFactory);
		this.settings = settings;
		this.hub = hub;
		this.evictor = evictor;
		this.metrics = metrics;
		this.presence = new RedisPresence(this.redis, this.keys, settings.commandTimeout());
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

	/**
	 * Whether a connection factory talks to a Redis Cluster.
	 * @param connectionFactory the factory
	 * @return {@code true} for Redis Cluster
	 */
	static boolean isCluster(ReactiveRedisConnectionFactory connectionFactory) {
		return connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
	}

	// write side: called by the hub, on any thread; only queues

	@Override
	public void register(Session session) {
		Set<String> guids = session.guids();
		String[] op = new String[5 + guids.size()];
		op[0] = "R";
		op[1] = Long.toString(session.socketId());
		op[2] = session.uid();
		op[3] = Long.toString(SnowflakeIdGenerator.timestampOf(session.socketId()).toEpochMilli());
		op[4] = Long.toString(session.lastSeen());
		int i = 5;
		for (String guid : guids) {
			op[i++] = guid;
		}
		enqueue(op);
	}

	@Override
	public void unregister(Session session) {
		enqueue(removal(Long.toString(session.socketId()), session.uid(), this.settings.nodeId(), session.guids()));
	}

	@Override
	public void joined(Session session, String guid) {
		enqueue(new String[] { "J", Long.toString(session.socketId()), session.uid(), guid });
	}

	@Override
	public void left(Session session, String guid) {
		enqueue(new String[] { "L", Long.toString(session.socketId()), session.uid(), guid });
	}

	private static String[] removal(String sid, String uid, String node, Collection<String> guids) {
		String[] op = new String[4 + guids.size()];
		op[0] = "U";
		op[1] = sid;
		op[2] = uid;
		op[3] = node;
		int i = 4;
		for (String guid : guids) {
			op[i++] = guid;
		}
		return op;
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
			// every command has its own timeout; this one bounds a task that is many
			// commands
			.concatMap((tick) -> task.get()
				.timeout(this.settings.commandTimeout().multipliedBy(30))
				.onErrorResume((error) -> {
					this.metrics.registryFailed(operation);
					if (logger.isDebugEnabled()) {
						logger.debug("Registry task " + operation + " failed", error);
					}
					unhealthy(error);
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

	/*
	 * One script call on a standalone Redis; on Redis Cluster one per hash slot, sent
	 * together, then the cluster-wide keys (the users hash, the pending-presence index)
	 * from what the calls returned.
	 */
	private Mono<Void> apply(List<String[]> batch) {
		ApplyCalls calls = new ApplyCalls(this.keys, this.cluster, this.settings.nodeId());
		batch.forEach(calls::add);
		if (calls.isEmpty()) {
			return Mono.empty();
		}
		Map<String, Long> users = new LinkedHashMap<>();
		List<TypedTuple<String>> pending = new ArrayList<>();
		List<PresenceEvent> events = new ArrayList<>();
		return Flux.fromIterable(calls.calls())
			.flatMap(this::apply, CONCURRENT_CALLS)
			.doOnNext((result) -> collect(result, users, pending, events))
			.then(Mono.fromRunnable(() -> emitInOrder(events)))
			.then(Mono.defer(() -> writeClusterWide(users, pending)))
			.timeout(this.settings.commandTimeout())
			.doOnError((error) -> this.resyncNeeded.set(true))
			.then(Mono.fromRunnable(this::healthy));
	}

	private Mono<List<Object>> apply(ApplyCalls.Call call) {
		List<String> args = new ArrayList<>(4 + call.ops().size());
		args.add(Integer.toString(this.settings.maxConnectionsPerUser()));
		args.add(graceMillis());
		args.add(this.cluster ? "0" : call.declare(this.keys.users()));
		args.add(this.cluster ? "0" : call.declare(this.keys.pendingIndex()));
		args.addAll(call.ops());
		return this.redis.execute(APPLY, call.keys(), args).collectList().map(RedisSessionRegistry::reply);
	}

	@SuppressWarnings("unchecked")
	private void collect(List<Object> result, Map<String, Long> users, List<TypedTuple<String>> pending,
			List<PresenceEvent> events) {
		enforceUserLimit((List<Object>) result.get(0));
		List<Object> decided = (List<Object>) result.get(1);
		if (decided.size() > 1) {
			events.addAll(PresenceSubjects.events(decided));
		}
		List<Object> waiting = (List<Object>) result.get(2);
		for (int i = 1; i < waiting.size(); i++) {
			pending.add(TypedTuple.of(text(waiting.get(i)), (double) number(waiting.get(0))));
		}
		List<Object> changed = (List<Object>) result.get(3);
		for (int i = 0; i + 1 < changed.size(); i += 2) {
			users.merge(text(changed.get(i)), number(changed.get(i + 1)), Long::sum);
		}
	}

	private Mono<Void> writeClusterWide(Map<String, Long> users, List<TypedTuple<String>> pending) {
		List<String> deltas = new ArrayList<>();
		users.forEach((uid, delta) -> {
			if (delta != 0) {
				deltas.add(uid);
				deltas.add(Long.toString(delta));
			}
		});
		Mono<?> usersWritten = deltas.isEmpty() ? Mono.empty()
				: this.redis.execute(USERS, List.of(this.keys.users()), deltas).then();
		Mono<?> pendingWritten = pending.isEmpty() ? Mono.empty()
				: this.redis.opsForZSet().addAll(this.keys.pendingIndex(), pending);
		return Mono.when(usersWritten, pendingWritten);
	}

	/*
	 * Rewrite every session of this node from the hub, then remove the node's sessions
	 * Redis still holds but the hub does not (closed while Redis was unreachable). GUIDs
	 * a session left while Redis was unreachable are read from its hash and left again.
	 */
	private Mono<Void> resync() {
		this.resyncNeeded.set(false);
		this.queue.clear();
		this.queued.set(0);
		List<Session> connections = new ArrayList<>(this.hub.sessions());
		Map<String, Session> local = new HashMap<>();
		connections.forEach((connection) -> local.put(Long.toString(connection.socketId()), connection));
		Mono<List<String[]>> leftGuids = Flux.fromIterable(connections)
			.flatMap((connection) -> staleGuids(connection), CONCURRENT_CALLS)
			.collectList();
		Flux<String> held = this.redis.opsForSet()
			.members(this.keys.nodeClients(this.settings.nodeId()))
			.timeout(this.settings.commandTimeout());
		return leftGuids.flatMapMany((leaves) -> {
			List<String[]> ops = new ArrayList<>(leaves);
			for (Session connection : connections) {
				register(connection);
				ops.addAll(drain());
			}
			return Flux.fromIterable(partition(ops));
		})
			.concatMap(this::apply)
			.thenMany(held)
			.filter((sid) -> !local.containsKey(sid))
			.collectList()
			.flatMap((stale) -> remove(stale, this.settings.nodeId()))
			.doOnSuccess((done) -> logger
				.info("Registry resynchronized " + connections.size() + " sessions of node " + this.settings.nodeId()))
			.doOnError((error) -> this.resyncNeeded.set(true));
	}

	/* Leaves for the GUIDs Redis lists for a session that the session no longer has. */
	private Flux<String[]> staleGuids(Session session) {
		String sid = Long.toString(session.socketId());
		return this.redis.<String, String>opsForHash()
			.get(this.keys.client(sid), "guids")
			.timeout(this.settings.commandTimeout())
			.flatMapIterable(RedisSessionRegistry::guids)
			.filter((guid) -> !session.guids().contains(guid))
			.map((guid) -> new String[] { "L", sid, session.uid(), guid });
	}

	private static List<String> guids(String json) {
		List<String> guids = new ArrayList<>();
		JsonMapper.shared().readTree(json).forEach((guid) -> guids.add(guid.asString()));
		return guids;
	}

	/*
	 * Removes sessions of a node by socket ID, reading each session's user and GUIDs from
	 * its hash (a session whose hash is gone only leaves the node's set).
	 */
	private Mono<Void> remove(List<String> sids, String node) {
		return Flux.fromIterable(sids)
			.flatMap((sid) -> this.redis.<String, String>opsForHash()
				.multiGet(this.keys.client(sid), List.of("uid", "guids"))
				.timeout(this.settings.commandTimeout())
				.map((fields) -> (fields.get(0) != null)
						? removal(sid, fields.get(0), node, guids(String.valueOf(fields.get(1))))
						: new String[] { "U", sid, "", node }),
					CONCURRENT_CALLS)
			.buffer(this.settings.maxBatch())
			.concatMap(this::apply)
			.then();
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
		return this.redis.execute(HEARTBEAT, List.of(this.keys.nodes()), List.of(this.settings.nodeId()))
			.next()
			.zipWith(this.redis.opsForValue().get(this.keys.nodeSwept(this.settings.nodeId())).defaultIfEmpty("0"))
			.timeout(this.settings.commandTimeout())
			.doOnNext((heartbeat) -> {
				String swept = heartbeat.getT2();
				String known = this.sweptCount;
				this.sweptCount = swept;
				boolean sweptMeanwhile = known != null && !known.equals(swept);
				if ((heartbeat.getT1() == 1 || sweptMeanwhile) && this.running && !this.resyncNeeded.get()) {
					logger.warn("Node " + this.settings.nodeId()
							+ " was unknown to Redis (restarted, or swept as dead);" + " resynchronizing its sessions");
					this.resyncNeeded.set(true);
				}
			})
			.then();
	}

	/*
	 * Sweeps the sessions of every node whose heartbeat is older than the node timeout.
	 * Several nodes may find the same dead node; the one that takes its sweeping lock
	 * sweeps it (and a sweep cut short is repeated once the lock expires: every step is
	 * idempotent).
	 */
	private Mono<Void> sweep() {
		return this.redis
			.execute(DEAD_NODES, List.of(this.keys.nodes()),
					List.of(Long.toString(this.settings.nodeTimeout().toMillis())))
			.collectList()
			.map(RedisSessionRegistry::reply)
			.timeout(this.settings.commandTimeout())
			.flatMapMany(Flux::fromIterable)
			.map(RedisSessionRegistry::text)
			.filter((node) -> !node.equals(this.settings.nodeId()))
			.concatMap(this::sweep)
			.then();
	}

	private Mono<Void> sweep(String node) {
		String lock = this.keys.nodeSweeping(node);
		return this.redis.opsForValue()
			.setIfAbsent(lock, this.settings.nodeId(), this.settings.nodeTimeout().multipliedBy(5))
			.timeout(this.settings.commandTimeout())
			.filter(Boolean::booleanValue)
			.flatMap((locked) -> this.redis.opsForSet()
				.members(this.keys.nodeClients(node))
				.collectList()
				.timeout(this.settings.commandTimeout()))
			.flatMap((sids) -> remove(sids, node)
				.then(this.redis.delete(this.keys.nodeClients(node)).timeout(this.settings.commandTimeout()))
				.then(this.redis.opsForValue()
					.increment(this.keys.nodeSwept(node))
					.timeout(this.settings.commandTimeout()))
				.then(this.redis
					.execute(FORGET_NODE, List.of(this.keys.nodes()),
							List.of(node, Long.toString(this.settings.nodeTimeout().toMillis())))
					.timeout(this.settings.commandTimeout())
					.then())
				.then(this.redis.delete(lock).timeout(this.settings.commandTimeout()))
				.doOnSuccess((done) -> {
					if (!sids.isEmpty()) {
						this.sweptSessions.addAndGet(sids.size());
						logger.info("Removed " + sids.size() + " sessions of node " + node + ", silent for more than "
								+ this.settings.nodeTimeout().toSeconds() + " s");
					}
				}))
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

	/*
	 * Ends the grace periods that are over: the index says which subjects to look at,
	 * their markers (in each subject's slot) decide, and the index forgets what was
	 * decided unless a newer loss rescheduled it meanwhile.
	 */
	private Mono<Void> expirePresence() {
		return this.redis
			.execute(DUE, List.of(this.keys.pendingIndex()), List.of(Integer.toString(MAX_EXPIRED_PER_CALL)))
			.collectList()
			.map(RedisSessionRegistry::reply)
			.timeout(this.settings.commandTimeout())
			.flatMap((due) -> {
				if (due.isEmpty()) {
					return Mono.empty();
				}
				Map<Integer, List<String>> bySlot = new LinkedHashMap<>();
				for (int i = 0; i + 1 < due.size(); i += 2) {
					String subject = text(due.get(i));
					String[] keys = presenceKeys(subject);
					bySlot.computeIfAbsent(this.cluster ? RedisKeys.slot(keys[0]) : 0, (slot) -> new ArrayList<>())
						.addAll(List.of(subject, text(due.get(i + 1))));
				}
				return Flux.fromIterable(bySlot.values())
					.flatMap(this::expire, CONCURRENT_CALLS)
					.collectList()
					.flatMap((pruned) -> {
						List<String> args = new ArrayList<>();
						pruned.forEach(args::addAll);
						return this.redis.execute(PRUNE, List.of(this.keys.pendingIndex()), args).then();
					})
					.timeout(this.settings.commandTimeout());
			});
	}

	/* Ends the grace periods of subjects in one slot; returns the index updates. */
	@SuppressWarnings("unchecked")
	private Mono<List<String>> expire(List<String> subjectsAndDeadlines) {
		List<String> keys = new ArrayList<>();
		List<String> args = new ArrayList<>();
		for (int i = 0; i < subjectsAndDeadlines.size(); i += 2) {
			String subject = subjectsAndDeadlines.get(i);
			String[] subjectKeys = presenceKeys(subject);
			keys.add(subjectKeys[0]);
			keys.add(subjectKeys[1]);
			args.add(subject);
			args.add(subjectKeys[2]);
		}
		return this.redis.execute(EXPIRE, keys, args).collectList().map(RedisSessionRegistry::reply).map((result) -> {
			emit((List<Object>) result.get(0));
			List<Object> done = (List<Object>) result.get(1);
			List<String> prune = new ArrayList<>();
			for (int i = 0; i < done.size(); i++) {
				prune.add(subjectsAndDeadlines.get(2 * i));
				prune.add(subjectsAndDeadlines.get(2 * i + 1));
				prune.add(text(done.get(i)));
			}
			return prune;
		});
	}

	/* A subject's marker key, the key that says whether it is present, and a field. */
	private String[] presenceKeys(String subject) {
		PresenceSubjects.Subject parsed = PresenceSubjects.parse(subject);
		return switch (parsed.kind()) {
			case 'u' -> new String[] { this.keys.userMarker(parsed.uid()), this.keys.userClients(parsed.uid()), "" };
			case 'g' -> new String[] { this.keys.guidMarker(parsed.guid()), this.keys.guidClients(parsed.guid()), "" };
			default -> new String[] { this.keys.memberMarkers(parsed.guid()), this.keys.guidUsers(parsed.guid()),
					parsed.uid() };
		};
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

	/*
	 * The transitions of one batch, users first, then GUIDs, then memberships (as one
	 * script call on a standalone Redis decides them): on Redis Cluster they come from
	 * several calls in no defined order. Each subject's own transitions keep their order.
	 */
	private void emitInOrder(List<PresenceEvent> events) {
		events.sort(Comparator.comparingInt(RedisSessionRegistry::kindOrder));
		events.forEach(this.tracking::emit);
	}

	private static int kindOrder(PresenceEvent event) {
		if (event.guid() == null) {
			return 0;
		}
		return (event.uid() == null) ? 1 : 2;
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

	private static long number(Object value) {
		return (value instanceof Number number) ? number.longValue() : Long.parseLong(text(value));
	}

	private void unhealthy(Throwable error) {
		this.resyncNeeded.set(true);
		if (this.healthy.compareAndSet(true, false)) {
			logger.warn("Redis session registry unreachable; connections keep working, sessions will be rewritten when "
					+ "Redis answers: " + error + ((error.getCause() != null) ? " (" + error.getCause() + ")" : ""));
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
			flush().then(this.redis.opsForZSet().remove(this.keys.nodes(), this.settings.nodeId()))
				.then(this.redis.delete(this.keys.nodeClients(this.settings.nodeId())))
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
