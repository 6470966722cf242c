package io.pushgateway.registry;

import java.util.List;

import io.pushgateway.core.ClusterStats;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.spi.LocalSessions;
import reactor.core.publisher.Mono;

/**
 * The {@link PresenceOperations} of a single node (the embedded default), next to the
 * {@link InMemorySessionRegistry}: the node's own sessions are everyone's, so each query
 * reads them, on the caller's thread and without blocking.
 *
 * @author Push Gateway team
 */
public final class InMemoryPresence implements PresenceOperations {

	private final LocalSessions sessions;

	private final String nodeId;

	/**
	 * Create the presence queries of a node.
	 * @param sessions the node's sessions (its hub)
	 * @param nodeId the node's ID, named as the holder of every socket
	 */
	public InMemoryPresence(LocalSessions sessions, String nodeId) {
		this.sessions = sessions;
		this.nodeId = nodeId;
	}

	@Override
	public Mono<Boolean> isOnline(String uid) {
		return Mono.fromSupplier(() -> !this.sessions.sessionsOf(uid).isEmpty());
	}

	@Override
	public Mono<List<SocketPresence>> socketsOf(String uid) {
		return Mono.fromSupplier(() -> this.sessions.sessionsOf(uid)
			.stream()
			.map((session) -> new SocketPresence(session.socketId(), this.nodeId))
			.toList());
	}

	@Override
	public Mono<Long> guidConnections(String guid) {
		return Mono.fromSupplier(() -> (long) this.sessions.guidSize(guid));
	}

	@Override
	public Mono<ClusterStats> stats() {
		return Mono.fromSupplier(() -> new ClusterStats(1, this.sessions.connectionCount(), this.sessions.userCount()));
	}

}
