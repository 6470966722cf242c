package io.pushgateway.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgateway.core.ClusterStats;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.hub.FakeConnection;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.NodeLifecycle;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.metrics.NodeStats;
import io.pushgateway.registry.redis.RedisPresence;
import io.pushgateway.registry.redis.RedisRegistrySettings;
import io.pushgateway.registry.redis.RedisSessionRegistry;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.support.RedisExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis session registry against a real {@code redis-server}: the documented keys,
 * presence, the sweep of a dead node, and recovery after Redis restarts empty.
 *
 * @author Push Gateway team
 */
class RedisSessionRegistryTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final List<Runnable> cleanups = new ArrayList<>();

	private String prefix;

	@BeforeEach
	void freshPrefix() {
		this.prefix = redis.freshPrefix();
	}

	@AfterEach
	void cleanUp() {
		this.cleanups.forEach(Runnable::run);
	}

	private final Map<LocalHub, RedisSessionRegistry> registries = new ConcurrentHashMap<>();

	/** A hub reporting to the registry this test creates for it. */
	private LocalHub hub() {
		LocalHub[] hub = new LocalHub[1];
		hub[0] = new LocalHub(0, "test", () -> this.registries.get(hub[0]));
		return hub[0];
	}

	private LettuceConnectionFactory factory() {
		return redis.connectionFactory();
	}

	private RedisSessionRegistry registry(String node, LocalHub hub, LettuceConnectionFactory factory, int limit,
			List<String> evicted) {
		return registry(node, hub, factory, limit, evicted, PresenceTracking.OFF);
	}

	private RedisSessionRegistry registry(String node, LocalHub hub, LettuceConnectionFactory factory, int limit,
			List<String> evicted, PresenceTracking tracking) {
		RedisSessionRegistry registry = new RedisSessionRegistry(factory,
				new RedisRegistrySettings(this.prefix, node, Duration.ofMillis(20), 100, 1000, Duration.ofSeconds(30),
						Duration.ofMillis(200), Duration.ofSeconds(1), limit, Duration.ofSeconds(2)),
				hub, (sid, owner) -> evicted.add(sid + "@" + owner),
				new GatewayMetrics(new SimpleMeterRegistry(), NodeStats.NONE), tracking);
		this.registries.put(hub, registry);
		registry.start();
		this.cleanups.add(0, () -> {
			if (registry.isRunning()) {
				registry.stop();
			}
		});
		return registry;
	}

	/** Presence over this test's keys, as any node of the cluster reads it. */
	private RedisPresence presence() {
		return new RedisPresence(factory(), this.prefix, Duration.ofSeconds(2));
	}

	private String redis(String command) throws Exception {
		return redis.command(command);
	}

	@Test
	void sessionsAreWrittenUnderTheDocumentedKeys() throws Exception {
		LocalHub hub = hub();
		registry("n1", hub, factory(), 0, new ArrayList<>());
		RedisPresence presence = presence();
		FakeConnection connection = new FakeConnection(101, "alice", "doc-1");

		hub.register(connection);
		hub.join(connection, "doc-2");

		await().atMost(Duration.ofSeconds(5))
			.until(() -> redis("HGET " + this.prefix + ":guid:clients:{doc-2} 101").contains("n1"));
		assertThat(redis("HGET " + this.prefix + ":user:clients:{alice} 101")).contains("n1");
		assertThat(redis("HGET " + this.prefix + ":guid:clients:{doc-1} 101")).contains("n1");
		assertThat(redis("HGET " + this.prefix + ":client:{101} uid")).contains("alice");
		assertThat(redis("HGET " + this.prefix + ":client:{101} node")).contains("n1");
		assertThat(redis("HGET " + this.prefix + ":client:{101} guids")).contains("doc-1").contains("doc-2");
		assertThat(redis("HEXISTS " + this.prefix + ":client:{101} connectedAt")).contains(":1");
		assertThat(redis("SISMEMBER " + this.prefix + ":node:clients:{n1} 101")).contains(":1");
		assertThat(redis("HGET " + this.prefix + ":users alice")).contains("$1\r\n1\r\n");
		assertThat(redis("ZSCORE " + this.prefix + ":nodes n1")).doesNotContain("$-1");

		assertThat(presence.isOnline("alice").block()).isTrue();
		assertThat(presence.socketsOf("alice").block()).containsExactly(new SocketPresence(101, "n1"));
		assertThat(presence.guidConnections("doc-1").block()).isEqualTo(1);
		assertThat(presence.stats().block()).isEqualTo(new ClusterStats(1, 1, 1));

		hub.leave(connection, "doc-1");
		hub.unregister(connection);

		await().atMost(Duration.ofSeconds(5))
			.until(() -> redis("EXISTS " + this.prefix + ":client:{101}").contains(":0"));
		assertThat(redis("EXISTS " + this.prefix + ":user:clients:{alice}")).contains(":0");
		assertThat(redis("EXISTS " + this.prefix + ":guid:clients:{doc-1}")).contains(":0");
		assertThat(redis("EXISTS " + this.prefix + ":guid:clients:{doc-2}")).contains(":0");
		assertThat(redis("HEXISTS " + this.prefix + ":users alice")).contains(":0");
		assertThat(presence.isOnline("alice").block()).isFalse();
		assertThat(presence.stats().block()).isEqualTo(new ClusterStats(1, 0, 0));
	}

	@Test
	void nodesOfATargetAreTheNodesHoldingItsConnections() {
		LocalHub hubA = hub();
		LocalHub hubB = hub();
		RedisSessionRegistry a = registry("a", hubA, factory(), 0, new ArrayList<>());
		registry("b", hubB, factory(), 0, new ArrayList<>());
		RedisPresence presence = presence();
		hubA.register(new FakeConnection(501, "frank", "doc"));
		hubB.register(new FakeConnection(502, "frank"));
		hubB.register(new FakeConnection(503, "gina", "doc"));

		await().atMost(Duration.ofSeconds(5)).until(() -> presence.stats().block().connections() == 3);
		assertThat(a.nodesOf(PushTarget.user("frank")).block()).containsExactlyInAnyOrder("a", "b");
		assertThat(a.nodesOf(PushTarget.user("gina")).block()).containsExactly("b");
		assertThat(a.nodesOf(PushTarget.users(List.of("gina", "nobody"))).block()).containsExactly("b");
		assertThat(a.nodesOf(PushTarget.guid("doc")).block()).containsExactlyInAnyOrder("a", "b");
		assertThat(a.nodesOf(PushTarget.socket(503)).block()).containsExactly("b");
		assertThat(a.nodesOf(PushTarget.user("nobody")).block()).isEmpty();
		assertThat(a.nodesOf(PushTarget.all()).blockOptional()).isEmpty();
	}

	@Test
	void sessionsOfADeadNodeAreSweptByTheLiving() {
		LocalHub deadHub = hub();
		LettuceConnectionFactory deadFactory = factory();
		registry("dead", deadHub, deadFactory, 0, new ArrayList<>());
		LocalHub liveHub = hub();
		RedisSessionRegistry live = registry("live", liveHub, factory(), 0, new ArrayList<>());
		RedisPresence presence = presence();
		deadHub.register(new FakeConnection(201, "ghost", "doc"));
		liveHub.register(new FakeConnection(202, "alive"));
		await().atMost(Duration.ofSeconds(5)).until(() -> presence.stats().block().connections() == 2);

		// the node dies without a word: its connection to Redis is cut and never comes
		// back
		deadFactory.destroy();

		await().atMost(Duration.ofSeconds(5)).until(() -> presence.stats().block().equals(new ClusterStats(1, 1, 1)));
		assertThat(presence.isOnline("ghost").block()).isFalse();
		assertThat(presence.guidConnections("doc").block()).isZero();
		assertThat(live.sweptSessions()).isEqualTo(1);
	}

	@Test
	void presenceTransitionsAreReportedOnceAcrossNodes() {
		Queue<String> events = new ConcurrentLinkedQueue<>();
		LocalHub hubA = hub();
		LocalHub hubB = hub();
		registry("a", hubA, factory(), 0, new ArrayList<>(), tracking("a", events, Duration.ofMillis(300)));
		registry("b", hubB, factory(), 0, new ArrayList<>(), tracking("b", events, Duration.ofMillis(300)));
		FakeConnection onA = new FakeConnection(601, "frank", "doc");
		FakeConnection onB = new FakeConnection(602, "frank", "doc");

		hubA.register(onA);
		await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 3);
		hubB.register(onB);
		hubA.unregister(onA);
		hubB.unregister(onB);
		// one loss each, reported by whichever node ended its grace period
		await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 6);
		assertThat(events).map((event) -> event.substring(event.indexOf(' ') + 1))
			.containsExactlyInAnyOrder("ONLINE frank", "OCCUPIED doc", "JOINED frank@doc", "OFFLINE frank",
					"VACATED doc", "LEFT frank@doc");
		assertThat(events.stream().limit(3)).allMatch((event) -> event.startsWith("a "));
	}

	@Test
	void aDeadNodesUsersGoOfflineOnceAfterTheSweep() {
		Queue<String> events = new ConcurrentLinkedQueue<>();
		LocalHub deadHub = hub();
		LettuceConnectionFactory deadFactory = factory();
		registry("dead", deadHub, deadFactory, 0, new ArrayList<>(), tracking("dead", events, Duration.ofMillis(200)));
		LocalHub liveHub = hub();
		registry("live", liveHub, factory(), 0, new ArrayList<>(), tracking("live", events, Duration.ofMillis(200)));
		deadHub.register(new FakeConnection(701, "ghost", "doc"));
		liveHub.register(new FakeConnection(702, "grace", "doc"));
		await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 5);

		deadFactory.destroy();

		await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 7);
		assertThat(events.stream().skip(5)).containsExactlyInAnyOrder("live OFFLINE ghost", "live LEFT ghost@doc");
	}

	private static PresenceTracking tracking(String node, Queue<String> events, Duration grace) {
		return PresenceTracking.of(grace, (event) -> {
			String subject = (event.uid() == null) ? event.guid()
					: (event.guid() == null) ? event.uid() : event.uid() + "@" + event.guid();
			events.add(node + " " + event.type() + " " + subject);
		});
	}

	@Test
	void onlyLastSeenTimesThatChangedSinceTheLastSyncAreWritten() throws Exception {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		LocalHub hub = hub();
		RedisSessionRegistry registry = new RedisSessionRegistry(factory(),
				new RedisRegistrySettings(this.prefix, "n1", Duration.ofMillis(20), 100, 1000, Duration.ofMillis(100),
						Duration.ofMillis(200), Duration.ofSeconds(1), 0, Duration.ofSeconds(2)),
				hub, (sid, owner) -> {
				}, new GatewayMetrics(meters, NodeStats.NONE));
		this.registries.put(hub, registry);
		registry.start();
		this.cleanups.add(0, registry::stop);
		FakeConnection quiet = new FakeConnection(801, "quiet");
		FakeConnection chatty = new FakeConnection(802, "chatty");
		quiet.touch(1_000);
		chatty.touch(1_000);
		hub.register(quiet);
		hub.register(chatty);
		Counter syncs = meters.get("push.gateway.registry.heartbeat.syncs").counter();
		Counter sessions = meters.get("push.gateway.registry.heartbeat.sessions").counter();
		// the first sync writes both
		await().atMost(Duration.ofSeconds(5)).until(() -> sessions.count() >= 2);
		double syncsBefore = syncs.count();
		double sessionsBefore = sessions.count();

		for (long seen = 2_000; syncs.count() < syncsBefore + 5; seen++) {
			chatty.touch(seen);
			Thread.onSpinWait();
		}
		String last = Long.toString(chatty.lastSeen());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> redis("HGET " + this.prefix + ":client:{802} lastSeen").contains("\r\n" + last + "\r\n"));
		// one session per sync at most: the quiet one is never written again
		assertThat(sessions.count() - sessionsBefore).isLessThanOrEqualTo(syncs.count() - syncsBefore);
		assertThat(redis("HGET " + this.prefix + ":client:{801} lastSeen")).contains("1000");
	}

	@Test
	void userOverTheClusterLimitLosesItsOldestConnectionWherever() {
		List<String> evictedByA = new CopyOnWriteArrayList<>();
		LocalHub hubA = hub();
		LocalHub hubB = hub();
		registry("a", hubA, factory(), 2, evictedByA);
		registry("b", hubB, factory(), 2, new ArrayList<>());

		hubB.register(new FakeConnection(301, "bob"));
		hubB.register(new FakeConnection(302, "bob"));
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			try {
				return redis("HLEN " + this.prefix + ":user:clients:{bob}").contains(":2");
			}
			catch (Exception ex) {
				return false;
			}
		});
		hubA.register(new FakeConnection(303, "bob"));

		await().atMost(Duration.ofSeconds(5)).until(() -> !evictedByA.isEmpty());
		assertThat(evictedByA).containsExactly("301@b");
	}

	@Test
	void sessionsAreRewrittenAfterRedisRestartsEmpty() throws Exception {
		LocalHub hub = hub();
		registry("n1", hub, factory(), 0, new ArrayList<>());
		RedisPresence presence = presence();
		FakeConnection survivor = new FakeConnection(401, "carol", "doc");
		FakeConnection leaver = new FakeConnection(402, "dave");
		hub.register(survivor);
		hub.register(leaver);
		await().atMost(Duration.ofSeconds(5)).until(() -> presence.stats().block().connections() == 2);

		redis.restart();
		hub.unregister(leaver);
		hub.register(new FakeConnection(403, "erin"));

		await().atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.until(() -> presence.stats().block().equals(new ClusterStats(1, 2, 2)));
		assertThat(presence.socketsOf("carol").block()).containsExactly(new SocketPresence(401, "n1"));
		assertThat(presence.guidConnections("doc").block()).isEqualTo(1);
		assertThat(presence.isOnline("dave").block()).isFalse();
		assertThat(presence.isOnline("erin").block()).isTrue();
	}

	@Test
	void changesMadeWhileResyncsRunAreNeitherLostNorBroughtBack() throws Exception {
		Map<String, List<String>> events = new ConcurrentHashMap<>();
		LocalHub hub = hub();
		registry("n1", hub, factory(), 0, new ArrayList<>(), PresenceTracking.of(Duration.ZERO, (event) -> {
			String subject = (event.uid() == null) ? "@" + event.guid()
					: (event.guid() == null) ? event.uid() : event.uid() + "@" + event.guid();
			events.computeIfAbsent(subject, (key) -> new CopyOnWriteArrayList<>()).add(event.type().name());
		}));
		RedisPresence presence = presence();
		List<String> users = List.of("u0", "u1", "u2", "u3", "u4", "u5");
		List<String> guids = List.of("g0", "g1", "g2");
		AtomicBoolean churning = new AtomicBoolean(true);
		AtomicLong ids = new AtomicLong(10_000);
		List<Thread> churners = new ArrayList<>();
		for (int t = 0; t < 2; t++) {
			Thread churner = new Thread(() -> {
				FakeConnection[] slots = new FakeConnection[12];
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (churning.get()) {
					int slot = random.nextInt(slots.length);
					FakeConnection connection = slots[slot];
					String guid = guids.get(random.nextInt(guids.size()));
					if (connection == null) {
						slots[slot] = new FakeConnection(ids.incrementAndGet(), users.get(random.nextInt(users.size())),
								guid);
						hub.register(slots[slot]);
					}
					else if (random.nextInt(4) == 0) {
						hub.unregister(connection);
						slots[slot] = null;
					}
					else if (random.nextBoolean()) {
						hub.join(connection, guid);
					}
					else {
						hub.leave(connection, guid);
					}
					// a few thousand changes a second, so that every resync has some in
					// flight
					LockSupport.parkNanos(200_000);
				}
			});
			churner.start();
			churners.add(churner);
		}
		// Redis forgets the node again and again: the next heartbeat (every 200 ms)
		// finds it unknown and makes a resync due while the sessions keep changing
		for (int forgotten = 0; forgotten < 6; forgotten++) {
			redis("ZREM " + this.prefix + ":nodes n1");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> !redis("ZSCORE " + this.prefix + ":nodes n1").contains("$-1"));
		}
		churning.set(false);
		for (Thread churner : churners) {
			churner.join();
		}

		// Redis ends where the hub ends, and every subject's transitions alternate and
		// end
		// in the hub's state: none was lost, none came back from a closed session
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(presence.stats().block()).isEqualTo(new ClusterStats(1, hub.connectionCount(), hub.userCount()));
			for (String uid : users) {
				assertThat(presence.socketsOf(uid).block()).map(SocketPresence::socketId)
					.containsExactlyInAnyOrderElementsOf(
							hub.sessionsOf(uid).stream().map(PushConnection::socketId).toList());
				assertAlternating(events.get(uid), "ONLINE", "OFFLINE", !hub.sessionsOf(uid).isEmpty());
				for (String guid : guids) {
					boolean member = hub.sessionsOf(uid).stream().anyMatch((session) -> session.guids().contains(guid));
					assertAlternating(events.get(uid + "@" + guid), "JOINED", "LEFT", member);
				}
			}
			for (String guid : guids) {
				assertThat(presence.guidConnections(guid).block()).isEqualTo(hub.guidSize(guid));
				assertAlternating(events.get("@" + guid), "OCCUPIED", "VACATED", hub.guidSize(guid) > 0);
			}
		});
	}

	private static void assertAlternating(@Nullable List<String> transitions, String gained, String lost,
			boolean holds) {
		List<String> seen = (transitions != null) ? transitions : List.of();
		for (int i = 0; i < seen.size(); i++) {
			assertThat(seen.get(i)).as("transition %d of %s", i, seen).isEqualTo((i % 2 == 0) ? gained : lost);
		}
		assertThat(seen.size() % 2 == 1).as("%s ends with %s", seen, holds ? gained : lost).isEqualTo(holds);
	}

	@Test
	void theRegistryStartsBeforeAndStopsAfterTheNodeLifecycle() {
		// the registry must be writing before connections arrive and keep writing while
		// they drain
		assertThat(RedisSessionRegistry.PHASE).isEqualTo(NodeLifecycle.PHASE - 1);
	}

}
