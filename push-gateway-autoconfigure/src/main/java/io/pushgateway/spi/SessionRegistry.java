package io.pushgateway.spi;

import java.util.Map;
import java.util.Set;

import io.pushgateway.core.PushTarget;
import reactor.core.publisher.Mono;

/**
 * Where the cluster keeps its sessions: which users and GUIDs have connections on which
 * node. This is the node's side: the write methods are called by the node's hub as
 * connections come and go, and must return at once without blocking or failing
 * (implementations queue and batch the writes); {@link #nodesOf} routes pushes and
 * {@link #describe} serves operators. The application's presence queries are a bean of
 * their own, a {@link io.pushgateway.core.PresenceOperations} that reads what the
 * registry wrote; a backend provides both.
 *
 * @author Push Gateway team
 * @see io.pushgateway.registry.InMemorySessionRegistry
 * @see io.pushgateway.registry.InMemoryPresence
 */
public interface SessionRegistry {

	/**
	 * A connection opened on this node.
	 * @param session the connection
	 */
	void register(Session session);

	/**
	 * A connection on this node closed.
	 * @param session the connection
	 */
	void unregister(Session session);

	/**
	 * A connection on this node was attached to a GUID.
	 * @param session the connection
	 * @param guid the GUID
	 */
	void joined(Session session, String guid);

	/**
	 * A connection on this node was detached from a GUID.
	 * @param session the connection
	 * @param guid the GUID
	 */
	void left(Session session, String guid);

	/**
	 * What the registry holds about one connection anywhere in the cluster, for
	 * operators: its user, node, GUIDs and times.
	 * @param socketId the socket ID
	 * @return the fields as stored, or empty when unknown or when this registry only
	 * knows this node's connections
	 */
	default Mono<Map<String, String>> describe(long socketId) {
		return Mono.empty();
	}

	/**
	 * The nodes that hold connections of a target, for routing a push to those nodes
	 * only.
	 * @param target the target
	 * @return the node IDs, or empty when this registry cannot tell (then every node gets
	 * the push)
	 */
	default Mono<Set<String>> nodesOf(PushTarget target) {
		return Mono.empty();
	}

	/**
	 * How the registry is doing, for health checks; cheap, never blocks.
	 * @return the registry's health ({@link BackendHealth#UP} when it has nothing to
	 * report, as the in-memory registry)
	 */
	default BackendHealth health() {
		return BackendHealth.UP;
	}

}
