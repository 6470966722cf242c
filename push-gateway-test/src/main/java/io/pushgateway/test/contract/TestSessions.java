package io.pushgateway.test.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.pushgateway.spi.LocalSessions;
import io.pushgateway.spi.SessionRegistry;
import org.jspecify.annotations.Nullable;

/**
 * One node's sessions, playing the node's hub for a {@link SessionRegistry}: it is the
 * {@link LocalSessions} the registry (and the presence of a single node) reads, and it
 * tells the registry of every change the way the hub does: a session is registered with
 * its GUIDs, a GUID is joined or left at most once, and a closed session is unregistered
 * once. Since a registry may read its node's sessions when it is created, it is created
 * first and connected with {@link #reportTo}. Safe to use from any thread.
 *
 * <pre class="code">
 * TestSessions sessions = new TestSessions();
 * SessionRegistry registry = new MyRegistry(sessions, "node-1");
 * sessions.reportTo(registry);
 * TestSession alice = sessions.open(1, "alice", "doc-1");
 * </pre>
 *
 * @author Push Gateway team
 */
public final class TestSessions implements LocalSessions {

	/** By socket ID, which is also connect order. */
	private final Map<Long, TestSession> sessions = new TreeMap<>();

	private volatile @Nullable SessionRegistry registry;

	/**
	 * Tell a registry of every change from now on.
	 * @param registry the registry
	 */
	public void reportTo(SessionRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Open a session and register it.
	 * @param socketId its socket ID, unique on the node
	 * @param uid its user
	 * @param guids the GUIDs it is attached to from the start
	 * @return the session
	 */
	public TestSession open(long socketId, String uid, String... guids) {
		TestSession session = new TestSession(socketId, uid, Set.of(guids));
		synchronized (this.sessions) {
			this.sessions.put(socketId, session);
		}
		SessionRegistry registry = this.registry;
		if (registry != null) {
			registry.register(session);
		}
		return session;
	}

	/**
	 * Close a session and unregister it; safe to call more than once.
	 * @param session the session
	 */
	public void close(TestSession session) {
		synchronized (this.sessions) {
			if (!this.sessions.remove(session.socketId(), session)) {
				return;
			}
		}
		SessionRegistry registry = this.registry;
		if (registry != null) {
			registry.unregister(session);
		}
	}

	/**
	 * Attach a session to a GUID.
	 * @param session the session
	 * @param guid the GUID
	 * @return {@code false} if it was attached already (the registry is not told)
	 */
	public boolean join(TestSession session, String guid) {
		if (!session.attach(guid)) {
			return false;
		}
		SessionRegistry registry = this.registry;
		if (registry != null) {
			registry.joined(session, guid);
		}
		return true;
	}

	/**
	 * Detach a session from a GUID.
	 * @param session the session
	 * @param guid the GUID
	 * @return {@code false} if it was not attached (the registry is not told)
	 */
	public boolean leave(TestSession session, String guid) {
		if (!session.detach(guid)) {
			return false;
		}
		SessionRegistry registry = this.registry;
		if (registry != null) {
			registry.left(session, guid);
		}
		return true;
	}

	@Override
	public List<TestSession> sessions() {
		synchronized (this.sessions) {
			return List.copyOf(this.sessions.values());
		}
	}

	@Override
	public List<TestSession> sessionsOf(String uid) {
		List<TestSession> of = new ArrayList<>();
		for (TestSession session : sessions()) {
			if (session.uid().equals(uid)) {
				of.add(session);
			}
		}
		return of;
	}

	@Override
	public int guidSize(String guid) {
		return (int) sessions().stream().filter((session) -> session.guids().contains(guid)).count();
	}

	@Override
	public int connectionCount() {
		synchronized (this.sessions) {
			return this.sessions.size();
		}
	}

	@Override
	public int userCount() {
		return (int) sessions().stream().map(TestSession::uid).distinct().count();
	}

}
