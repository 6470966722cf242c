package io.pushgateway.registry.redis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;

import io.pushgateway.core.SocketPresence;

/**
 * The cluster-wide limit of connections per user. {@code apply.lua} counts a user's
 * sockets as it registers them and returns the users over the limit with all their
 * sockets; this node then closes the oldest of them (the lowest socket IDs, which are
 * Snowflake IDs), wherever they are, through the evictor. Several nodes may evict the
 * same socket: closing is idempotent.
 *
 * @author Push Gateway team
 */
final class UserConnectionLimit {

	private final int maxConnectionsPerUser;

	private final BiConsumer<Long, String> evictor;

	/**
	 * Create the limit.
	 * @param maxConnectionsPerUser the most connections of one user, or 0 for no limit
	 * @param evictor closes a socket (by ID, on the named node)
	 */
	UserConnectionLimit(int maxConnectionsPerUser, BiConsumer<Long, String> evictor) {
		this.maxConnectionsPerUser = maxConnectionsPerUser;
		this.evictor = evictor;
	}

	/**
	 * The limit, as {@code apply.lua} takes it.
	 * @return the script argument
	 */
	String argument() {
		return Integer.toString(this.maxConnectionsPerUser);
	}

	/**
	 * Close the oldest sockets of the users a script call found over the limit.
	 * @param overLimit one entry per user: socket ID and node, alternating
	 */
	void enforce(List<Object> overLimit) {
		for (Object entry : overLimit) {
			List<?> fields = (List<?>) entry;
			List<SocketPresence> sockets = new ArrayList<>();
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				sockets.add(new SocketPresence(Long.parseLong(RedisScripts.text(fields.get(i))),
						RedisScripts.text(fields.get(i + 1))));
			}
			sockets.sort(Comparator.comparingLong(SocketPresence::socketId));
			for (SocketPresence oldest : sockets.subList(0, sockets.size() - this.maxConnectionsPerUser)) {
				this.evictor.accept(oldest.socketId(), oldest.node());
			}
		}
	}

}
