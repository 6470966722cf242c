package io.pushgateway.registry;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.pushgateway.core.SocketPresence;
import io.pushgateway.hub.FakeConnection;
import io.pushgateway.hub.LocalHub;
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
	protected abstract SessionRegistry createRegistry(LocalHub hub, String nodeId);

	/** A hub on a node, reporting to the registry created for it. */
	private LocalHub hub(String nodeId, AtomicReference<SessionRegistry> registry) {
		LocalHub hub = new LocalHub(0, nodeId, registry::get);
		registry.set(createRegistry(hub, nodeId));
		return hub;
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
