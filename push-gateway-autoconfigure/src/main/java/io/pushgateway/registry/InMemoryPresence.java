package io.pushgateway.registry;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.pushgateway.core.ClusterStats;
import io.pushgateway.core.ConnectionInfo;
import io.pushgateway.core.ConnectionPage;
import io.pushgateway.core.NodeStats;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.spi.ConnectionPaging;
import io.pushgateway.spi.LocalSessions;
import io.pushgateway.spi.Session;
import org.jspecify.annotations.Nullable;
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

	private final boolean clientAddresses;

	/**
	 * Create the presence queries of a node, which list no client addresses.
	 * @param sessions the node's sessions (its hub)
	 * @param nodeId the node's ID, named as the holder of every socket
	 */
	public InMemoryPresence(LocalSessions sessions, String nodeId) {
		this(sessions, nodeId, false);
	}

	/**
	 * Create the presence queries of a node.
	 * @param sessions the node's sessions (its hub)
	 * @param nodeId the node's ID, named as the holder of every socket
	 * @param clientAddresses whether listings show the clients' addresses
	 */
	public InMemoryPresence(LocalSessions sessions, String nodeId, boolean clientAddresses) {
		this.sessions = sessions;
		this.nodeId = nodeId;
		this.clientAddresses = clientAddresses;
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

	@Override
	public Mono<ConnectionPage> connections(PushTarget target, @Nullable String cursor, int limit) {
		return Mono.fromSupplier(() -> {
			ConnectionPaging paging = ConnectionPaging.of(target, cursor, limit);
			Collection<? extends Session> sessions = (target instanceof PushTarget.User user)
					? this.sessions.sessionsOf(user.uid())
					: this.sessions.sessionsOn(((PushTarget.Guid) target).guid());
			Map<Long, Session> byId = new HashMap<>();
			sessions.forEach((session) -> byId.put(session.socketId(), session));
			List<Long> selected = paging.select(byId.keySet());
			List<ConnectionInfo> found = new ArrayList<>();
			for (Long socketId : paging.ofPage(selected)) {
				Session session = byId.get(socketId);
				if (session != null) {
					found.add(describe(session));
				}
			}
			return paging.page(selected, found);
		});
	}

	private ConnectionInfo describe(Session session) {
		InetAddress address = session.remoteAddress();
		return new ConnectionInfo(session.socketId(), session.uid(), this.nodeId, session.transport(),
				session.protocol(), SnowflakeIdGenerator.timestampOf(session.socketId()),
				Instant.ofEpochMilli(session.lastSeen()), session.guids(),
				(this.clientAddresses && address != null) ? address.getHostAddress() : null);
	}

	@Override
	public Mono<List<NodeStats>> nodes() {
		return Mono
			.fromSupplier(() -> List.of(new NodeStats(this.nodeId, this.sessions.connectionCount(), Instant.now())));
	}

}
