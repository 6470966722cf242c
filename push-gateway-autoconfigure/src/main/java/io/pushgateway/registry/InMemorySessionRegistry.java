package io.pushgateway.registry;

import java.time.Clock;

import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.Session;
import io.pushgateway.spi.SessionRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The {@link SessionRegistry} of a single node (the embedded default): the node's own hub
 * is the whole truth, so writes need no work beyond reporting presence transitions when
 * asked to, and presence is read from the hub ({@link InMemoryPresence}).
 *
 * @author Push Gateway team
 */
public final class InMemorySessionRegistry implements SessionRegistry {

	private final @Nullable PresenceTransitions transitions;

	/** Create a registry that reports no presence transitions. */
	public InMemorySessionRegistry() {
		this(PresenceTracking.OFF, Clock.systemUTC());
	}

	/**
	 * Create a registry that reports presence transitions.
	 * @param tracking whether and how presence transitions are reported
	 * @param clock the time events are stamped with
	 */
	public InMemorySessionRegistry(PresenceTracking tracking, Clock clock) {
		this.transitions = tracking.enabled() ? new PresenceTransitions(tracking, clock) : null;
	}

	@Override
	public void register(Session session) {
		if (this.transitions != null) {
			this.transitions.register(session);
		}
	}

	@Override
	public void unregister(Session session) {
		if (this.transitions != null) {
			this.transitions.unregister(session.socketId());
		}
	}

	@Override
	public void joined(Session session, String guid) {
		if (this.transitions != null) {
			this.transitions.joined(session.socketId(), guid);
		}
	}

	@Override
	public void left(Session session, String guid) {
		if (this.transitions != null) {
			this.transitions.left(session.socketId(), guid);
		}
	}

}
