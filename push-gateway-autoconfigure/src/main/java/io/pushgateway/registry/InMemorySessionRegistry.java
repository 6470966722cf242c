package io.pushgateway.registry;

import java.time.Clock;
import java.util.List;

import io.pushgateway.core.ClusterStats;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.spi.LocalSessions;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.Session;
import io.pushgateway.spi.SessionRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The {@link SessionRegistry} of a single node (the embedded default): the node's own hub
 * is the whole truth, so writes need no work and presence is read from the hub.
 *
 * @author Push Gateway team
 */
public final class InMemorySessionRegistry implements SessionRegistry {

	private final LocalSessions hub;

	private final String nodeId;

	private final @Nullable LocalPresence presence;

	public InMemorySessionRegistry(LocalSessions hub, String nodeId) {
		this(hub, nodeId, PresenceTracking.OFF, Clock.systemUTC());
	}

	/**
	 * Create a registry that reports presence transitions.
	 * @param hub this node's hub
	 * @param nodeId this node's ID
	 * @param tracking whether and how presence transitions are reported
	 * @param clock the time events are stamped with
	 */
	public InMemorySessionRegistry(LocalSessions hub, String nodeId, PresenceTracking tracking, Clock clock) {
		this.hub = hub;
		this.nodeId = nodeId;
		this.presence = tracking.enabled() ? new LocalPresence(tracking, clock) : null;
	}

	@Override
	public void register(Session session) {
		if (this.presence != null) {
			this.presence.register(session);
		}
	}

	@Override
	public void unregister(Session session) {
		if (this.presence != null) {
			this.presence.unregister(session.socketId());
		}
	}

	@Override
	public void joined(Session session, String guid) {
		if (this.presence != null) {
			this.presence.joined(session.socketId(), guid);
		}
	}

	@Override
	public void left(Session session, String guid) {
		if (this.presence != null) {
			this.presence.left(session.socketId(), guid);
		}
	}

	@Override
	public Mono<Boolean> isOnline(String uid) {
		return Mono.fromSupplier(() -> !this.hub.sessionsOf(uid).isEmpty());
	}

	@Override
	public Mono<List<SocketPresence>> socketsOf(String uid) {
		return Mono.fromSupplier(() -> this.hub.sessionsOf(uid)
			.stream()
			.map((connection) -> new SocketPresence(connection.socketId(), this.nodeId))
			.toList());
	}

	@Override
	public Mono<Long> guidConnections(String guid) {
		return Mono.fromSupplier(() -> (long) this.hub.guidSize(guid));
	}

	@Override
	public Mono<ClusterStats> stats() {
		return Mono.fromSupplier(() -> new ClusterStats(1, this.hub.connectionCount(), this.hub.userCount()));
	}

}
