package io.pushgateway.registry;

import java.util.List;

import io.pushgateway.core.ClusterStats;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.spi.LocalSessions;
import io.pushgateway.spi.Session;
import io.pushgateway.spi.SessionRegistry;
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

	public InMemorySessionRegistry(LocalSessions hub, String nodeId) {
		this.hub = hub;
		this.nodeId = nodeId;
	}

	@Override
	public void register(Session session) {
	}

	@Override
	public void unregister(Session session) {
	}

	@Override
	public void joined(Session session, String guid) {
	}

	@Override
	public void left(Session session, String guid) {
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
