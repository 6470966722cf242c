package io.pushgateway.core;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Answers who is connected, cluster-wide when a shared session registry is configured and
 * for this node otherwise. Never blocks.
 *
 * @author Push Gateway team
 */
public interface PresenceOperations {

	/**
	 * Whether a user has at least one connection.
	 * @param uid the user ID
	 * @return {@code true} if online
	 */
	Mono<Boolean> isOnline(String uid);

	/**
	 * The connections of a user and the nodes holding them.
	 * @param uid the user ID
	 * @return the connections, oldest first
	 */
	Mono<List<SocketPresence>> socketsOf(String uid);

	/**
	 * How many connections are attached to a GUID.
	 * @param guid the GUID
	 * @return the count
	 */
	Mono<Long> guidConnections(String guid);

	/**
	 * Cluster-wide counts of nodes, connections and users.
	 * @return the counts
	 */
	Mono<ClusterStats> stats();

	/**
	 * The connections of a user (all their devices) or of a GUID's members, anywhere in
	 * the cluster, one page at a time in the order they opened. A connection opened or
	 * closed within the registry's sync interval may not be listed yet, or still be.
	 * @param target a user or a GUID
	 * @param cursor {@code null} for the first page, else the {@link ConnectionPage#next}
	 * of the previous one
	 * @param limit the most connections on the page, 1 to
	 * {@link ConnectionPage#MAX_LIMIT}
	 * @return the page; fails with {@link PushRejectedException} for another target, an
	 * invalid cursor or limit
	 */
	default Mono<ConnectionPage> connections(PushTarget target, @Nullable String cursor, int limit) {
		return Mono.error(new UnsupportedOperationException("listing is not supported by " + getClass().getName()));
	}

	/**
	 * The live nodes of the cluster and how many connections each holds.
	 * @return the nodes, by ID
	 */
	default Mono<List<NodeStats>> nodes() {
		return Mono.error(new UnsupportedOperationException("nodes are not listed by " + getClass().getName()));
	}

}
