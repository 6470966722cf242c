package io.pushgateway.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.pushgateway.core.ClusterStats;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.support.RedisCluster;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestCluster;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway nodes on a real Redis Cluster (three masters, one replica each; started
 * from {@code redis-server} processes) for the session registry, the recovery streams,
 * the worker-ID leases and the pub/sub bus, configured as docs/cluster.md tells a user:
 * {@code spring.data.redis.cluster.nodes} and nothing else Redis-specific.
 *
 * @author Push Gateway team
 */
class RedisClusterEndToEndTests {

	@RegisterExtension
	static final TestCluster cluster = TestCluster.withRedisCluster(2,
			Map.of("push.gateway.node.worker-id-strategy", "redis-lease", "push.gateway.recovery.enabled", true,
					"push.gateway.registry.node-heartbeat-interval", "250ms", "push.gateway.registry.node-timeout",
					"2s", "push.gateway.registry.command-timeout", "2s", "logging.level.io.pushgateway.redis", "DEBUG",
					"logging.level.io.pushgateway.registry.redis", "INFO"));

	private final List<TestClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
	}

	private TestClient connect(int node, String uid, String query) {
		return connectWithToken(node, Tokens.forUser(uid), query);
	}

	private TestClient connectWithToken(int node, String token, String query) {
		TestClient client = TestClient.connect(cluster.node(node).port(), "?access_token=" + token + query,
				"push.v1.json", Map.of());
		this.clients.add(client);
		return client;
	}

	private static PushOperations push(int node) {
		return cluster.node(node).bean(PushOperations.class);
	}

	private static PresenceOperations presence(int node) {
		return cluster.node(node).bean(PresenceOperations.class);
	}

	private static String uid() {
		return "user-" + UUID.randomUUID();
	}

	@Test
	void sessionsPresencePushesAndRecoveryWorkAcrossNodes() {
		String alice = uid();
		String bob = uid();
		String guid = "doc-" + UUID.randomUUID();
		TestClient onZero = connectWithToken(0, Tokens.sign(alice, List.of(guid), Duration.ofMinutes(5), Tokens.SECRET),
				"");
		TestClient onOne = connectWithToken(1, Tokens.sign(bob, List.of(guid), Duration.ofMinutes(5), Tokens.SECRET),
				"");
		onZero.next("welcome");
		long bobSocket = Long.parseLong((String) onOne.next("welcome").get("sid"));
		await().until(() -> presence(0).isOnline(bob).block() && presence(1).isOnline(alice).block());
		assertThat(presence(0).socketsOf(bob).block()).extracting(SocketPresence::socketId).containsExactly(bobSocket);
		assertThat(presence(1).guidConnections(guid).block()).isEqualTo(2);
		assertThat(presence(0).stats().block()).isEqualTo(new ClusterStats(2, 2, 2));
		// worker IDs leased on the cluster (ws:worker:{id}, one slot each) are distinct
		assertThat(SnowflakeIdGenerator.workerIdOf(cluster.node(0).bean(SnowflakeIdGenerator.class).nextId()))
			.isNotEqualTo(SnowflakeIdGenerator.workerIdOf(cluster.node(1).bean(SnowflakeIdGenerator.class).nextId()));

		push(0).pushToUser(bob, "to-user", 1).block();
		assertThat(onOne.next("push")).containsEntry("ev", "to-user");
		push(0).pushToSocket(bobSocket, "to-socket", 2).block();
		assertThat(onOne.next("push")).containsEntry("ev", "to-socket");
		push(1).pushToGuid(guid, "to-guid", 3).block();
		assertThat(onZero.next("push")).containsEntry("ev", "to-guid");
		assertThat(onOne.next("push")).containsEntry("ev", "to-guid");

		push(0).pushRecoverable(PushTarget.user(bob), "kept", 0).block();
		String position = (String) onOne.next("push").get("p");
		onOne.close();
		await().until(() -> !presence(0).isOnline(bob).block());
		for (int i = 1; i <= 3; i++) {
			push(i % 2).pushRecoverable(PushTarget.user(bob), "kept", i).block();
		}
		TestClient back = connect(0, bob, "&since=" + position);
		for (int i = 1; i <= 3; i++) {
			assertThat(back.next("push")).containsEntry("d", i);
		}
		assertThat(back.next("recovered")).containsEntry("ok", true).containsEntry("n", 3);
	}

	/*
	 * Users on both nodes receive recoverable pushes from both nodes while the master
	 * holding one of them (its sessions, its stream) is killed and its replica takes
	 * over. A push that was accepted reaches its client, live or, where the pub/sub bus
	 * dropped it while resubscribing (fire-and-forget, as documented), by resuming from
	 * the last position the client saw; a push refused while the slot had no master was
	 * refused to its caller. Afterwards the registry holds every session again, new
	 * sessions on the failed-over slots register, and cross-node pushes flow.
	 */
	@Test
	void aMasterFailoverUnderLoadLosesNothingPromised() throws Exception {
		int users = 24;
		List<String> uids = new ArrayList<>();
		List<TestClient> connected = new ArrayList<>();
		List<Long> sockets = new ArrayList<>();
		for (int i = 0; i < users; i++) {
			uids.add(uid());
			connected.add(connect(i % 2, uids.get(i), ""));
			sockets.add(Long.parseLong((String) connected.get(i).next("welcome").get("sid")));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> presence(0).stats().block().connections() == users);

		Map<String, Set<Integer>> accepted = new ConcurrentHashMap<>();
		AtomicInteger refused = new AtomicInteger();
		AtomicBoolean running = new AtomicBoolean(true);
		Thread load = new Thread(() -> {
			int n = 0;
			while (running.get()) {
				// about 1,000 pushes a second: a load, not a busy loop while pushes are
				// refused
				LockSupport.parkNanos(1_000_000);
				int user = n % users;
				int sequence = n++;
				try {
					push(sequence % 2).pushRecoverable(PushTarget.user(uids.get(user)), "load", sequence)
						.block(Duration.ofSeconds(10));
					accepted.computeIfAbsent(uids.get(user), (key) -> ConcurrentHashMap.newKeySet()).add(sequence);
				}
				catch (RuntimeException ex) {
					refused.incrementAndGet();
				}
			}
		}, "failover-load");
		load.start();
		await().until(() -> accepted.values().stream().mapToInt(Set::size).sum() > 200);

		String victim = uids.get(0);
		RedisCluster redis = cluster.redisCluster();
		redis.failOver("ws:user:clients:{" + victim + "}");

		// pushes flow again after the failover, then the load stops
		int before = accepted.values().stream().mapToInt(Set::size).sum();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> accepted.getOrDefault(victim, Set.of()).size() > 0
					&& accepted.values().stream().mapToInt(Set::size).sum() > before + 200);
		running.set(false);
		load.join();

		// every accepted push reaches its client, live or by resuming: a marker from each
		// node follows that node's pushes (each node's pushes keep their order), so once
		// both markers are in, whatever is missing was dropped, not late
		for (int i = 0; i < users; i++) {
			String uid = uids.get(i);
			push(0).pushToUser(uid, "marker", 0).block();
			push(1).pushToUser(uid, "marker", 1).block();
		}
		for (int i = 0; i < users; i++) {
			String uid = uids.get(i);
			TreeSet<Integer> expected = new TreeSet<>(accepted.getOrDefault(uid, Set.of()));
			Map<Integer, String> received = new HashMap<>();
			String lastPosition = null;
			boolean gap = false;
			int markers = 0;
			while (markers < 2) {
				Map<String, Object> frame = connected.get(i).next("push");
				if ("marker".equals(frame.get("ev"))) {
					markers++;
					continue;
				}
				int sequence = ((Number) frame.get("d")).intValue();
				received.put(sequence, (String) frame.get("p"));
				gap |= !received.keySet().containsAll(expected.headSet(sequence));
				if (!gap) {
					lastPosition = (String) frame.get("p");
				}
			}
			if (!received.keySet().containsAll(expected)) {
				assertThat(lastPosition).as("%s received none of its pushes", uid).isNotNull();
				TestClient resumed = connect(i % 2, uid, "&since=" + lastPosition);
				Map<String, Object> frame = resumed.next();
				while (!"recovered".equals(frame.get("t"))) {
					if ("push".equals(frame.get("t"))) {
						received.put(((Number) frame.get("d")).intValue(), (String) frame.get("p"));
					}
					frame = resumed.next();
				}
				assertThat(frame).as("resuming %s", uid).containsEntry("ok", true);
				// the resumed session leaves again: the registry must forget it too
				resumed.close();
			}
			assertThat(received.keySet()).as("pushes accepted for %s", uid).containsAll(expected);
		}

		// the registry holds every session again, eventually: a node whose heartbeats
		// failed while its slot had no master may be swept by the other node (even just
		// after it rewrote its sessions itself), and writes them back once its next
		// heartbeat sees the sweep
		await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
			assertThat(uids)
				.allSatisfy((uid) -> assertThat(presence(1).isOnline(uid).block()).as("%s online", uid).isTrue());
			assertThat(presence(1).stats().block().connections()).isGreaterThanOrEqualTo(users);
		});
		// and a new session on the failed-over slot registers
		TestClient second = connect(1, victim, "");
		long secondSocket = Long.parseLong((String) second.next("welcome").get("sid"));
		await().atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(presence(0).socketsOf(victim).block()).extracting(SocketPresence::socketId)
				.containsExactlyInAnyOrder(sockets.get(0), secondSocket));
		push(0).pushToUser(victim, "after", "failover").block();
		assertThat(second.next("push")).containsEntry("ev", "after");
		assertThat(connected.get(0).next("push")).containsEntry("ev", "after");
		System.out.println("Failover under load: " + accepted.values().stream().mapToInt(Set::size).sum()
				+ " pushes accepted, " + refused.get() + " refused while the slot had no master");
	}

}
