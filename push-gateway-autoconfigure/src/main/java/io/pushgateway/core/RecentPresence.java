package io.pushgateway.core;

import java.util.List;

import reactor.core.publisher.Mono;

/**
 * The latest presence transitions of the cluster, newest first, for operators (the
 * console): kept in memory alone, in Redis ({@code ws:presence:recent}, the last 100)
 * with the Redis registry. Present when {@code push.gateway.presence.enabled} is.
 *
 * @author Push Gateway team
 */
public interface RecentPresence {

	/** How many transitions are kept. */
	int KEPT = 100;

	/**
	 * The latest transitions.
	 * @param limit the most to return, at most {@link #KEPT}
	 * @return the transitions, newest first
	 */
	Mono<List<PresenceEvent>> recent(int limit);

}
