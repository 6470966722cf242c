package io.pushgateway.spi;

import java.util.Collection;

/**
 * This node's own sessions, as a {@link SessionRegistry} may read them: to answer
 * presence on a single node, or to rewrite them into a shared store after it lost them.
 * The node's hub implements it; registries need nothing else of the engine.
 *
 * @author Push Gateway team
 */
public interface LocalSessions {

	/**
	 * Every session on this node.
	 * @return the sessions, a snapshot or a live view safe to iterate
	 */
	Collection<? extends Session> sessions();

	/**
	 * The sessions of one user on this node.
	 * @param uid the user
	 * @return the sessions
	 */
	Collection<? extends Session> sessionsOf(String uid);

	/**
	 * The sessions on this node attached to a GUID.
	 * @param guid the GUID
	 * @return the sessions, a snapshot or a live view safe to iterate
	 */
	default Collection<? extends Session> sessionsOn(String guid) {
		return sessions().stream().filter((session) -> session.guids().contains(guid)).toList();
	}

	/**
	 * How many sessions on this node are attached to a GUID.
	 * @param guid the GUID
	 * @return the count
	 */
	int guidSize(String guid);

	/**
	 * Sessions on this node.
	 * @return the count
	 */
	int connectionCount();

	/**
	 * Users with at least one session on this node.
	 * @return the count
	 */
	int userCount();

}
