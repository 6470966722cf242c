package io.pushgateway.core;

import java.util.List;

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

}
