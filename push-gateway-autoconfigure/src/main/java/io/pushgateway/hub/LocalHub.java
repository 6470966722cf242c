package io.pushgateway.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.pushgateway.core.PushTarget;
import io.pushgateway.metrics.NodeStats;
import io.pushgateway.spi.LocalSessions;
import io.pushgateway.spi.Session;
import io.pushgateway.spi.SessionRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The connections of this node, indexed by socket ID, user and GUID. It serves one node
 * only; cluster-wide presence lives in the session registry.
 *
 * <p>
 * Each index entry is updated inside {@link ConcurrentHashMap#compute}, so registration,
 * eviction and GUID membership are atomic per key without a global lock. A user's
 * connections are a small copy-on-write array ordered by socket ID, which is also connect
 * order, so the oldest is the first.
 *
 * @author Push Gateway team
 */
public class LocalHub implements NodeStats, LocalSessions {

	private static final PushConnection[] NONE = new PushConnection[0];

	private final ConcurrentHashMap<Long, PushConnection> sockets = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, PushConnection[]> users = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Set<PushConnection>> guids = new ConcurrentHashMap<>();

	private final int maxConnectionsPerUser;

	private final String nodeId;

	private final Supplier<SessionRegistry> registrySupplier;

	private volatile @Nullable SessionRegistry registry;

	/**
	 * Create a hub that reports to no registry (tests, tools).
	 * @param maxConnectionsPerUser how many connections one user may hold on this node,
	 * or {@code 0} for no limit
	 */
	public LocalHub(int maxConnectionsPerUser) {
		this(maxConnectionsPerUser, "local", () -> NoRegistry.INSTANCE);
	}

	/**
	 * Create a hub.
	 * @param maxConnectionsPerUser how many connections one user may hold on this node,
	 * or {@code 0} for no limit
	 * @param nodeId this node's ID, for logs
	 * @param registry the session registry told of every change, looked up on first use:
	 * registries read the hub (presence, resynchronization), so the two cannot both take
	 * the other in their constructors
	 */
	public LocalHub(int maxConnectionsPerUser, String nodeId, Supplier<SessionRegistry> registry) {
		this.maxConnectionsPerUser = maxConnectionsPerUser;
		this.nodeId = nodeId;
		this.registrySupplier = registry;
	}

	private SessionRegistry registry() {
		SessionRegistry registry = this.registry;
		if (registry == null) {
			registry = this.registrySupplier.get();
			this.registry = registry;
		}
		return registry;
	}

	/**
	 * Add a connection and attach it to its GUIDs.
	 * @param connection the connection
	 * @return the connections of the same user evicted to respect the per-user limit (the
	 * oldest first); the caller closes them
	 */
	public List<PushConnection> register(PushConnection connection) {
		List<PushConnection> evicted = new ArrayList<>(0);
		connection.node = this.nodeId;
		this.sockets.put(connection.socketId(), connection);
		this.users.compute(connection.uid(), (uid, current) -> {
			PushConnection[] next = append((current != null) ? current : NONE, connection);
			int excess = (this.maxConnectionsPerUser > 0) ? next.length - this.maxConnectionsPerUser : 0;
			if (excess > 0) {
				evicted.addAll(Arrays.asList(next).subList(0, excess));
				next = Arrays.copyOfRange(next, excess, next.length);
			}
			return next;
		});
		for (PushConnection old : evicted) {
			if (this.sockets.remove(old.socketId(), old)) {
				old.guids().forEach((guid) -> removeFromGuid(guid, old));
				registry().unregister(old);
			}
		}
		connection.guids().forEach((guid) -> addToGuid(guid, connection));
		registry().register(connection);
		ConnectionLog.opened(connection.socketId(), connection.uid(), this.nodeId, connection.transport(),
				connection.codec().subprotocol(), connection.guids().size());
		return evicted;
	}

	/**
	 * Remove a connection from every index; safe to call more than once.
	 * @param connection the connection
	 */
	public void unregister(PushConnection connection) {
		if (!this.sockets.remove(connection.socketId(), connection)) {
			return;
		}
		this.users.computeIfPresent(connection.uid(), (uid, current) -> {
			PushConnection[] next = remove(current, connection);
			return (next.length > 0) ? next : null;
		});
		connection.guids().forEach((guid) -> removeFromGuid(guid, connection));
		registry().unregister(connection);
		ConnectionLog.closed(connection.socketId(), connection.uid(), this.nodeId, connection.serverClose());
	}

	/**
	 * Attach a connection to a GUID.
	 * @param connection the connection
	 * @param guid the GUID
	 * @return {@code false} if it was attached already
	 */
	public boolean join(PushConnection connection, String guid) {
		synchronized (connection) {
			Set<String> current = connection.guids();
			if (current.contains(guid)) {
				return false;
			}
			Set<String> next = new HashSet<>(current);
			next.add(guid);
			connection.guids(Collections.unmodifiableSet(next));
		}
		addToGuid(guid, connection);
		if (this.sockets.get(connection.socketId()) != connection) {
			// unregistered meanwhile: do not leave a closed connection in the GUID index
			removeFromGuid(guid, connection);
		}
		else {
			registry().joined(connection, guid);
		}
		return true;
	}

	/**
	 * Detach a connection from a GUID.
	 * @param connection the connection
	 * @param guid the GUID
	 * @return {@code false} if it was not attached
	 */
	public boolean leave(PushConnection connection, String guid) {
		synchronized (connection) {
			Set<String> current = connection.guids();
			if (!current.contains(guid)) {
				return false;
			}
			Set<String> next = new HashSet<>(current);
			next.remove(guid);
			connection.guids(Collections.unmodifiableSet(next));
		}
		removeFromGuid(guid, connection);
		registry().left(connection, guid);
		return true;
	}

	/**
	 * Call an action for every connection a target reaches on this node, each once.
	 * @param target the target
	 * @param action the action
	 */
	public void forEach(PushTarget target, Consumer<PushConnection> action) {
		if (target instanceof PushTarget.User user) {
			forEachOf(this.users.get(user.uid()), action);
		}
		else if (target instanceof PushTarget.Users several) {
			Collection<String> uids = (several.uids().size() > 1) ? new LinkedHashSet<>(several.uids())
					: several.uids();
			uids.forEach((uid) -> forEachOf(this.users.get(uid), action));
		}
		else if (target instanceof PushTarget.Guid guid) {
			Set<PushConnection> members = this.guids.get(guid.guid());
			if (members != null) {
				members.forEach(action);
			}
		}
		else if (target instanceof PushTarget.Socket socket) {
			PushConnection connection = this.sockets.get(socket.socketId());
			if (connection != null) {
				action.accept(connection);
			}
		}
		else {
			this.sockets.values().forEach(action);
		}
	}

	/**
	 * A connection by socket ID.
	 * @param socketId the socket ID
	 * @return the connection, or {@code null}
	 */
	public @Nullable PushConnection connection(long socketId) {
		return this.sockets.get(socketId);
	}

	/**
	 * The connections of a user on this node.
	 * @param uid the user ID
	 * @return the connections, oldest first
	 */
	public List<PushConnection> connectionsOf(String uid) {
		PushConnection[] connections = this.users.get(uid);
		return (connections != null) ? List.of(connections) : List.of();
	}

	/**
	 * Every connection of this node.
	 * @return a live view
	 */
	public Collection<PushConnection> connections() {
		return Collections.unmodifiableCollection(this.sockets.values());
	}

	/**
	 * How many connections a GUID has on this node.
	 * @param guid the GUID
	 * @return the count
	 */
	@Override
	public int guidSize(String guid) {
		Set<PushConnection> members = this.guids.get(guid);
		return (members != null) ? members.size() : 0;
	}

	/**
	 * The number of connections on this node.
	 * @return the count
	 */
	@Override
	public Collection<PushConnection> sessions() {
		return connections();
	}

	@Override
	public Collection<PushConnection> sessionsOn(String guid) {
		Set<PushConnection> members = this.guids.get(guid);
		return (members != null) ? Collections.unmodifiableSet(members) : Set.of();
	}

	@Override
	public List<PushConnection> sessionsOf(String uid) {
		return connectionsOf(uid);
	}

	@Override
	public long queuedBytes() {
		long bytes = 0;
		for (PushConnection connection : this.sockets.values()) {
			bytes += connection.queuedBytes();
		}
		return bytes;
	}

	@Override
	public int connectionCount() {
		return this.sockets.size();
	}

	/**
	 * The number of distinct users connected to this node.
	 * @return the count
	 */
	@Override
	public int userCount() {
		return this.users.size();
	}

	private void addToGuid(String guid, PushConnection connection) {
		this.guids.compute(guid, (key, members) -> {
			Set<PushConnection> set = (members != null) ? members : ConcurrentHashMap.newKeySet();
			set.add(connection);
			return set;
		});
	}

	private void removeFromGuid(String guid, PushConnection connection) {
		this.guids.computeIfPresent(guid, (key, members) -> {
			members.remove(connection);
			return members.isEmpty() ? null : members;
		});
	}

	private static void forEachOf(PushConnection @Nullable [] connections, Consumer<PushConnection> action) {
		if (connections != null) {
			for (PushConnection connection : connections) {
				action.accept(connection);
			}
		}
	}

	private static PushConnection[] append(PushConnection[] array, PushConnection connection) {
		PushConnection[] next = Arrays.copyOf(array, array.length + 1);
		next[array.length] = connection;
		return next;
	}

	private static PushConnection[] remove(PushConnection[] array, PushConnection connection) {
		int index = Arrays.asList(array).indexOf(connection);
		if (index < 0) {
			return array;
		}
		PushConnection[] next = new PushConnection[array.length - 1];
		System.arraycopy(array, 0, next, 0, index);
		System.arraycopy(array, index + 1, next, index, array.length - index - 1);
		return next;
	}

	/** A hub without a registry reports changes nowhere. */
	private enum NoRegistry implements SessionRegistry {

		INSTANCE;

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

	}

}
