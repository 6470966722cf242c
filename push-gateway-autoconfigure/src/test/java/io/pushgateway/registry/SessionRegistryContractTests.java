package io.pushgateway.registry;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.hub.FakeConnection;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.SessionRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract every {@link SessionRegistry} passes, as its node's hub drives it:
 * connections, GUID attachments and departures become visible to presence (at once or
 * within a sync interval), with the node that holds each socket.
 *
 * @author Push Gateway team
 */
abstract class SessionRegistryContractTests {

	private static final AtomicLong ids = new AtomicLong(5_000);

	/**
	 * The registry of a node whose hub is given; started, and stopped after the test.
	 * @param hub the node's hub, which reports to the registry
	 * @param nodeId the node
	 * @return the registry
	 */
	protected SessionRegistry createRegistry(LocalHub hub, String nodeId) {
		return createRegistry(hub, nodeId, PresenceTracking.OFF);
	}

	/**
	 * The registry of a node whose hub is given, reporting presence transitions; started,
	 * and stopped after the test.
	 * @param hub the node's hub, which reports to the registry
	 * @param nodeId the node
	 * @param tracking presence tracking
	 * @return the registry
	 */
	protected abstract SessionRegistry createRegistry(LocalHub hub, String nodeId, PresenceTracking tracking);

	/** A hub on a node, reporting to the registry created for it. */
	private LocalHub hub(String nodeId, AtomicReference<SessionRegistry> registry) {
		return hub(nodeId, registry, PresenceTracking.OFF);
	}

	private LocalHub hub(String nodeId, AtomicReference<SessionRegistry> registry, PresenceTracking tracking) {
		LocalHub hub = new LocalHub(0, nodeId, registry::get);
		registry.set(createRegistry(hub, nodeId, tracking));
		return hub;
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
		AtomicReference<SessionRegistry> registry = new AtomicReference<>();
		LocalHub hub = hub("n1", registry, PresenceTracking.of(Duration.ZERO, events::add));
		String uid = "p-" + ids.incrementAndGet();
		String guid = "doc-" + ids.incrementAndGet();
		FakeConnection first = new FakeConnection(ids.incrementAndGet(), uid, guid);
		FakeConnection second = new FakeConnection(ids.incrementAndGet(), uid);

		hub.register(first);
		await().until(() -> events.size() == 3);
		assertThat(named(events)).containsExactly("ONLINE " + uid, "OCCUPIED @" + guid, "JOINED " + uid + " @" + guid);
		hub.register(second);
		hub.join(second, guid);
		hub.unregister(first);
		// the user is still online and on the GUID through the second connection
		hub.leave(second, guid);
		await().until(() -> events.size() == 5);
		assertThat(named(events)).endsWith("VACATED @" + guid, "LEFT " + uid + " @" + guid);
		hub.unregister(second);
		await().until(() -> events.size() == 6);
		assertThat(named(events)).last().isEqualTo("OFFLINE " + uid);
		assertThat(events).allSatisfy((event) -> assertThat(event.at()).isNotNull());
	}

	@Test
	void aReturnWithinTheGracePeriodIsInvisible() {
		Queue<PresenceEvent> events = new ConcurrentLinkedQueue<>();
		AtomicReference<SessionRegistry> registry = new AtomicReference<>();
		LocalHub hub = hub("n1", registry, PresenceTracking.of(Duration.ofMillis(800), events::add));
		String uid = "g-" + ids.incrementAndGet();
		String guid = "doc-" + ids.incrementAndGet();
		FakeConnection before = new FakeConnection(ids.incrementAndGet(), uid, guid);
		FakeConnection after = new FakeConnection(ids.incrementAndGet(), uid, guid);

		hub.register(before);
		await().until(() -> events.size() == 3);
		long closedAt = System.nanoTime();
		hub.unregister(before);
		hub.register(after);
		hub.unregister(after);
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
		AtomicReference<SessionRegistry> registry = new AtomicReference<>();
		LocalHub hub = hub("n1", registry, PresenceTracking.of(Duration.ZERO, events::add));
		String guid = "doc-" + ids.incrementAndGet();
		FakeConnection alice = new FakeConnection(ids.incrementAndGet(), "alice-" + guid, guid);
		FakeConnection bob = new FakeConnection(ids.incrementAndGet(), "bob-" + guid);
		hub.register(alice);
		hub.register(bob);
		await().until(() -> events.size() == 4);
		events.clear();

		hub.join(bob, guid);
		await().until(() -> events.size() == 1);
		assertThat(named(events)).containsExactly("JOINED bob-" + guid + " @" + guid);
		hub.join(bob, guid);
		hub.leave(bob, guid);
		await().until(() -> events.size() == 2);
		assertThat(named(events)).last().isEqualTo("LEFT bob-" + guid + " @" + guid);
	}

	@Test
	void aConnectionIsOnlineOnItsNodeUntilItLeaves() {
		AtomicReference<SessionRegistry> registry = new AtomicReference<>();
		LocalHub hub = hub("n1", registry);
		long id = ids.incrementAndGet();
		FakeConnection connection = new FakeConnection(id, "alice-" + id);

		hub.register(connection);
		await().untilAsserted(() -> assertThat(registry.get().socketsOf("alice-" + id).block())
			.containsExactly(new SocketPresence(id, "n1")));
		assertThat(registry.get().isOnline("alice-" + id).block()).isTrue();

		hub.unregister(connection);
		await().until(() -> !registry.get().isOnline("alice-" + id).block());
		assertThat(registry.get().socketsOf("alice-" + id).block()).isEmpty();
	}

	@Test
	void guidAttachmentsAreCountedAsTheyComeAndGo() {
		AtomicReference<SessionRegistry> registry = new AtomicReference<>();
		LocalHub hub = hub("n1", registry);
		String guid = "doc-" + ids.incrementAndGet();
		FakeConnection first = new FakeConnection(ids.incrementAndGet(), "u1", guid);
		FakeConnection second = new FakeConnection(ids.incrementAndGet(), "u2");

		hub.register(first);
		hub.register(second);
		hub.join(second, guid);
		await().until(() -> registry.get().guidConnections(guid).block() == 2);

		hub.leave(second, guid);
		hub.unregister(first);
		await().until(() -> registry.get().guidConnections(guid).block() == 0);
	}

	@Test
	void statsCountConnectionsAndUsers() {
		AtomicReference<SessionRegistry> registry = new AtomicReference<>();
		LocalHub hub = hub("n1", registry);
		long before = registry.get().stats().block().connections();
		long usersBefore = registry.get().stats().block().users();
		String uid = "stats-" + ids.incrementAndGet();
		hub.register(new FakeConnection(ids.incrementAndGet(), uid));
		hub.register(new FakeConnection(ids.incrementAndGet(), uid));

		await().untilAsserted(() -> {
			assertThat(registry.get().stats().block().connections()).isEqualTo(before + 2);
			assertThat(registry.get().stats().block().users()).isEqualTo(usersBefore + 1);
			assertThat(registry.get().stats().block().nodes()).isPositive();
		});
	}

	@Test
	void anUnknownUserIsOffline() {
		AtomicReference<SessionRegistry> registry = new AtomicReference<>();
		hub("n1", registry);
		assertThat(registry.get().isOnline("nobody-" + ids.incrementAndGet()).block()).isFalse();
		assertThat(registry.get().socketsOf("nobody").block()).isEmpty();
		assertThat(registry.get().guidConnections("no-such-guid").block()).isZero();
	}

}
