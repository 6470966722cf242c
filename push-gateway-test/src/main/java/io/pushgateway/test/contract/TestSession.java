package io.pushgateway.test.contract;

import java.util.HashSet;
import java.util.Set;

import io.pushgateway.spi.Session;

/**
 * A connection as a {@code SessionRegistry} sees it, without a socket: what
 * {@link TestSessions} opens, attaches to GUIDs and closes, as a node's hub does with its
 * connections.
 *
 * @author Push Gateway team
 */
public final class TestSession implements Session {

	private final long socketId;

	private final String uid;

	private volatile Set<String> guids;

	private volatile long lastSeen;

	/**
	 * Create a session.
	 * @param socketId the socket ID
	 * @param uid the user ID
	 * @param guids the GUIDs it is attached to from the start
	 */
	public TestSession(long socketId, String uid, Set<String> guids) {
		this.socketId = socketId;
		this.uid = uid;
		this.guids = Set.copyOf(guids);
		this.lastSeen = System.currentTimeMillis();
	}

	@Override
	public long socketId() {
		return this.socketId;
	}

	@Override
	public String uid() {
		return this.uid;
	}

	@Override
	public Set<String> guids() {
		return this.guids;
	}

	@Override
	public long lastSeen() {
		return this.lastSeen;
	}

	@Override
	public String protocol() {
		return "push.v1.json";
	}

	/**
	 * The client was seen.
	 * @param epochMillis when
	 */
	public void touch(long epochMillis) {
		this.lastSeen = epochMillis;
	}

	synchronized boolean attach(String guid) {
		if (this.guids.contains(guid)) {
			return false;
		}
		Set<String> next = new HashSet<>(this.guids);
		next.add(guid);
		this.guids = Set.copyOf(next);
		return true;
	}

	synchronized boolean detach(String guid) {
		if (!this.guids.contains(guid)) {
			return false;
		}
		Set<String> next = new HashSet<>(this.guids);
		next.remove(guid);
		this.guids = Set.copyOf(next);
		return true;
	}

	@Override
	public String toString() {
		return "TestSession[" + this.socketId + " " + this.uid + " " + this.guids + "]";
	}

}
