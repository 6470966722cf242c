package io.pushgateway.test.contract;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.pushgateway.core.ConnectionInfo;
import io.pushgateway.core.ConnectionPage;
import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.spi.LocalSessions;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.SessionRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The contract every {@link SessionRegistry} passes together with the
 * {@link PresenceOperations} that reads it, as a node's hub drives the registry:
 * connections, GUID attachments and departures become visible to presence (at once or
 * within a sync interval) with the node that holds each socket, and presence transitions
 * are reported once, after their grace period.
 *
 * <p>
 * Extend it and create the two beans of a node; each test creates the node it needs. A
 * backend that is a {@link org.springframework.context.Lifecycle} is started, and after
 * the test stopped (and destroyed, if it is a
 * {@link org.springframework.beans.factory.DisposableBean}), as the application context
 * would; a backend that keeps its data outside the JVM should use fresh keys for every
 * test (a test class instance is made per test).
 *
 * @author Push Gateway team
 */
public abstract class SessionRegistryContract {

	private static final AtomicLong ids = new AtomicLong(5_000);

	private final Backends backends = new Backends();

	/**
	 * The registry of a node, which reads the node's sessions (when it needs to) from
	 * {@code sessions} and is told of their changes.
	 * @param sessions the node's sessions
	 * @param nodeId the node
	 * @param tracking whether and where to report presence transitions
	 * @return the registry
	 */
	protected abstract SessionRegistry createRegistry(LocalSessions sessions, String nodeId, PresenceTracking tracking);

	/**
	 * The presence queries of the same node, reading what its registry wrote.
	 * @param sessions the node's sessions
	 * @param nodeId the node
	 * @return the presence queries
	 */
	protected abstract PresenceOperations createPresence(LocalSessions sessions, String nodeId);

	@AfterEach
	void stopBackends() throws Exception {
		this.backends.stopAll();
	}

	private Node node(String nodeId) {
		return node(nodeId, PresenceTracking.OFF);
	}

	private Node node(String nodeId, PresenceTracking tracking) {
		TestSessions sessions = new TestSessions();
		SessionRegistry registry = this.backends.start(createRegistry(sessions, nodeId, tracking));
		sessions.reportTo(registry);
		PresenceOperations presence = this.backends.start(createPresence(sessions, nodeId));
		return new Node(sessions, registry, presence);
	}

	private static long id() {
		return ids.incrementAndGet();
	}

	private static List<String> named(Collection<PresenceEvent> events) {
		return events.stream()
			.map((event) -> event.type() + ((event.uid() != null) ? " " + event.uid() : "")
					+ ((event.guid() != null) ? " @" + event.guid() : ""))
			.toList();
	}

	@Test
	void presenceTransitionsAreReportedOnceWithoutGracePeriod() {
		Queue<PresenceEvent> events = new ConcurrentLinkedQueue<>();
		TestSessions node = node("n1", PresenceTracking.of(Duration.ZERO, events::add)).sessions();
		String uid = "p-" + id();
		String guid = "doc-" + id();

		TestSession first = node.open(id(), uid, guid);
		// asserted while awaited: a wrong or missing transition shows in the failure
		await().untilAsserted(() -> assertThat(named(events)).containsExactly("ONLINE " + uid, "OCCUPIED @" + guid,
				"JOINED " + uid + " @" + guid));
		TestSession second = node.open(id(), uid);
		node.join(second, guid);
		node.close(first);
		// the user is still online and on the GUID through the second connection
		node.leave(second, guid);
		await().untilAsserted(
				() -> assertThat(named(events)).hasSize(5).endsWith("VACATED @" + guid, "LEFT " + uid + " @" + guid));
		node.close(second);
		await().untilAsserted(() -> assertThat(named(events)).hasSize(6).last().isEqualTo("OFFLINE " + uid));
		assertThat(events).allSatisfy((event) -> assertThat(event.at()).isNotNull());
	}

	@Test
	void aReturnWithinTheGracePeriodIsInvisible() {
		Queue<PresenceEvent> events = new ConcurrentLinkedQueue<>();
		TestSessions node = node("n1", PresenceTracking.of(Duration.ofMillis(800), events::add)).sessions();
		String uid = "g-" + id();
		String guid = "doc-" + id();

		TestSession before = node.open(id(), uid, guid);
		await().until(() -> events.size() == 3);
		long closedAt = System.nanoTime();
		node.close(before);
		TestSession after = node.open(id(), uid, guid);
		node.close(after);
		// reported once, after the grace period of the last departure
		await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 6);
		assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
		List<String> named = named(events);
		assertThat(named.subList(0, 3)).containsExactly("ONLINE " + uid, "OCCUPIED @" + guid,
				"JOINED " + uid + " @" + guid);
		// losses whose grace periods end together come in no defined order
		assertThat(named.subList(3, 6)).containsExactlyInAnyOrder("OFFLINE " + uid, "VACATED @" + guid,
				"LEFT " + uid + " @" + guid);
	}

	@Test
	void aSecondMemberJoinsAnOccupiedGuid() {
		Queue<PresenceEvent> events = new ConcurrentLinkedQueue<>();
		TestSessions node = node("n1", PresenceTracking.of(Duration.ZERO, events::add)).sessions();
		String guid = "doc-" + id();
		node.open(id(), "alice-" + guid, guid);
		TestSession bob = node.open(id(), "bob-" + guid);
		await().until(() -> events.size() == 4);
		events.clear();

		node.join(bob, guid);
		await().until(() -> events.size() == 1);
		assertThat(named(events)).containsExactly("JOINED bob-" + guid + " @" + guid);
		assertThat(node.join(bob, guid)).as("attached already: the registry is not told").isFalse();
		node.leave(bob, guid);
		await().until(() -> events.size() == 2);
		assertThat(named(events)).last().isEqualTo("LEFT bob-" + guid + " @" + guid);
	}

	@Test
	void aConnectionIsOnlineOnItsNodeUntilItLeaves() {
		Node node = node("n1");
		String uid = "alice-" + id();
		long id = id();

		TestSession connection = node.sessions().open(id, uid);
		await().untilAsserted(
				() -> assertThat(node.presence().socketsOf(uid).block()).containsExactly(new SocketPresence(id, "n1")));
		assertThat(node.presence().isOnline(uid).block()).isTrue();
		assertThat(node.registry().health().up()).as("healthy once its writes are visible").isTrue();

		node.sessions().close(connection);
		await().until(() -> !node.presence().isOnline(uid).block());
		assertThat(node.presence().socketsOf(uid).block()).isEmpty();
	}

	@Test
	void theSocketsOfAUserComeOldestFirst() {
		Node node = node("n1");
		String uid = "several-" + id();
		long first = id();
		long second = id();
		long third = id();
		node.sessions().open(first, uid);
		node.sessions().open(second, uid);
		node.sessions().open(third, uid);

		await().untilAsserted(() -> assertThat(node.presence().socketsOf(uid).block()).containsExactly(
				new SocketPresence(first, "n1"), new SocketPresence(second, "n1"), new SocketPresence(third, "n1")));
	}

	@Test
	void guidAttachmentsAreCountedAsTheyComeAndGo() {
		Node node = node("n1");
		String guid = "doc-" + id();
		TestSession first = node.sessions().open(id(), "u1", guid);
		TestSession second = node.sessions().open(id(), "u2");

		node.sessions().join(second, guid);
		await().until(() -> node.presence().guidConnections(guid).block() == 2);

		node.sessions().leave(second, guid);
		node.sessions().close(first);
		await().until(() -> node.presence().guidConnections(guid).block() == 0);
	}

	@Test
	void statsCountConnectionsAndUsers() {
		Node node = node("n1");
		long before = node.presence().stats().block().connections();
		long usersBefore = node.presence().stats().block().users();
		String uid = "stats-" + id();
		node.sessions().open(id(), uid);
		node.sessions().open(id(), uid);

		await().untilAsserted(() -> {
			assertThat(node.presence().stats().block().connections()).isEqualTo(before + 2);
			assertThat(node.presence().stats().block().users()).isEqualTo(usersBefore + 1);
			assertThat(node.presence().stats().block().nodes()).isPositive();
		});
	}

	@Test
	void anUnknownUserIsOffline() {
		Node node = node("n1");
		assertThat(node.presence().isOnline("nobody-" + id()).block()).isFalse();
		assertThat(node.presence().socketsOf("nobody").block()).isEmpty();
		assertThat(node.presence().guidConnections("no-such-guid").block()).isZero();
	}

	@Test
	void theConnectionsOfAUserAndOfAGuidAreListedPageByPage() {
		Node node = node("n1");
		String uid = "listed-" + id();
		String guid = "doc-" + id();
		long first = id();
		long second = id();
		long third = id();
		long other = id();
		node.sessions().open(first, uid, guid);
		TestSession closing = node.sessions().open(second, uid);
		node.sessions().open(third, uid, guid);
		node.sessions().open(other, "other-" + id(), guid);
		await().untilAsserted(() -> assertThat(listed(node, PushTarget.user(uid), null, 10)).hasSize(3));

		ConnectionPage page = node.presence().connections(PushTarget.user(uid), null, 2).block();
		assertThat(page.connections()).extracting(ConnectionInfo::socketId).containsExactly(first, second);
		assertThat(page.next()).isNotNull();
		ConnectionInfo info = page.connections().get(0);
		assertThat(info.uid()).isEqualTo(uid);
		assertThat(info.node()).isEqualTo("n1");
		assertThat(info.transport()).isEqualTo("websocket");
		assertThat(info.protocol()).isEqualTo("push.v1.json");
		assertThat(info.guids()).containsExactly(guid);
		assertThat(info.clientAddress()).isNull();
		ConnectionPage last = node.presence().connections(PushTarget.user(uid), page.next(), 2).block();
		assertThat(last.connections()).extracting(ConnectionInfo::socketId).containsExactly(third);
		assertThat(last.next()).isNull();
		assertThat(listed(node, PushTarget.guid(guid), null, 10)).containsExactly(first, third, other);

		node.sessions().close(closing);
		await().untilAsserted(
				() -> assertThat(listed(node, PushTarget.user(uid), null, 10)).containsExactly(first, third));
		assertThat(listed(node, PushTarget.user("nobody-" + id()), null, 10)).isEmpty();
	}

	@Test
	void aListingRefusesWhatItCannotPage() {
		Node node = node("n1");
		for (Mono<ConnectionPage> refused : List.of(node.presence().connections(PushTarget.all(), null, 10),
				node.presence().connections(PushTarget.socket(1), null, 10),
				node.presence().connections(PushTarget.user("u"), "not-a-cursor", 10),
				node.presence().connections(PushTarget.user("u"), "-5", 10),
				node.presence().connections(PushTarget.user("u"), null, 0),
				node.presence().connections(PushTarget.user("u"), null, ConnectionPage.MAX_LIMIT + 1))) {
			assertThatExceptionOfType(PushRejectedException.class).isThrownBy(refused::block);
		}
	}

	private static List<Long> listed(Node node, PushTarget target, @Nullable String cursor, int limit) {
		return node.presence()
			.connections(target, cursor, limit)
			.block(Duration.ofSeconds(10))
			.connections()
			.stream()
			.map(ConnectionInfo::socketId)
			.toList();
	}

	/*
	 * A registry may not know where a target's sockets are (then every node gets the
	 * push), but when it answers, the answer names the nodes holding them and no other.
	 */
	@Test
	void theNodesOfATargetAreNamedWhenTheRegistryKnowsThem() {
		Node node = node("n1");
		String uid = "routed-" + id();
		String guid = "doc-" + id();
		long socketId = id();
		TestSession session = node.sessions().open(socketId, uid, guid);
		await().until(() -> node.presence().isOnline(uid).block());

		for (PushTarget target : List.of(PushTarget.user(uid), PushTarget.users(List.of(uid, "nobody-" + id())),
				PushTarget.guid(guid), PushTarget.socket(socketId))) {
			await().untilAsserted(() -> assertNodes(node.registry().nodesOf(target), target, "n1"));
		}
		node.sessions().close(session);
		await().untilAsserted(() -> assertNodes(node.registry().nodesOf(PushTarget.user(uid)), uid));
	}

	private static void assertNodes(Mono<Set<String>> answer, Object target, String... expected) {
		Optional<Set<String>> nodes = answer.blockOptional(Duration.ofSeconds(10));
		// no answer: the registry cannot tell
		nodes.ifPresent((named) -> assertThat(named).as("the nodes of %s", target).containsExactlyInAnyOrder(expected));
	}

	/** A node's sessions, its registry and its presence queries. */
	private record Node(TestSessions sessions, SessionRegistry registry, PresenceOperations presence) {
	}

}
