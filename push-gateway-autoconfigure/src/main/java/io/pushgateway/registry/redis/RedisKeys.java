package io.pushgateway.registry.redis;

import org.springframework.data.redis.connection.ClusterSlotHashUtil;

/**
 * The registry's key names. Each key that belongs to one user, GUID, socket or node
 * carries that ID as its hash tag, in braces, exactly where the seed's notation had a
 * placeholder: {@code ws:user:clients:{alice}} is both the seed's
 * {@code ws:user:clients:{uid}} and a key whose hash slot Redis Cluster computes from
 * {@code alice} alone. So every key of one user (its sockets, its presence marker, its
 * recovery stream) shares one slot, and so does every key of one GUID; a Lua script that
 * touches one entity touches one slot. The few cluster-wide keys ({@code ws:nodes},
 * {@code ws:users}, {@code ws:presence:pending}) are single keys, each in a slot of its
 * own, and no script touches one of them together with another key.
 *
 * @author Push Gateway team
 */
final class RedisKeys {

	private final String prefix;

	RedisKeys(String prefix) {
		this.prefix = prefix;
	}

	String prefix() {
		return this.prefix;
	}

	private String tagged(String kind, String id) {
		return this.prefix + ':' + kind + ":{" + id + '}';
	}

	// {@code ws:user:clients:{uid}}: socket ID -> node.
	String userClients(String uid) {
		return tagged("user:clients", uid);
	}

	// {@code ws:guid:clients:{guid}}: socket ID -> node.
	String guidClients(String guid) {
		return tagged("guid:clients", guid);
	}

	// {@code ws:guid:users:{guid}}: uid -> its connections on the GUID (presence).
	String guidUsers(String guid) {
		return tagged("guid:users", guid);
	}

	// {@code ws:client:{socketId}}: one socket's fields.
	String client(String socketId) {
		return tagged("client", socketId);
	}

	// {@code ws:node:clients:{node}}: the sockets of a node.
	String nodeClients(String node) {
		return tagged("node:clients", node);
	}

	// {@code ws:node:sweeping:{node}}: held by the node sweeping a dead one.
	String nodeSweeping(String node) {
		return tagged("node:sweeping", node);
	}

	// {@code ws:node:swept:{node}}: how often the node was swept as dead.
	String nodeSwept(String node) {
		return tagged("node:swept", node);
	}

	// {@code ws:presence:user:{uid}}: the deadline of a user's pending loss.
	String userMarker(String uid) {
		return tagged("presence:user", uid);
	}

	// {@code ws:presence:guid:{guid}}: the deadline of a GUID's pending loss.
	String guidMarker(String guid) {
		return tagged("presence:guid", guid);
	}

	// {@code ws:presence:members:{guid}}: uid -> the deadline of its pending leave.
	String memberMarkers(String guid) {
		return tagged("presence:members", guid);
	}

	// {@code ws:stream:user:{uid}} or {@code ws:stream:guid:{guid}}.
	String stream(String stream) {
		int colon = stream.indexOf(':');
		return tagged("stream:" + stream.substring(0, colon), stream.substring(colon + 1));
	}

	// {@code ws:stream:meta:user:{uid}} or {@code ws:stream:meta:guid:{guid}}: the
	// stream's epoch (e) and its last offset (s), in the stream's slot.
	String streamMeta(String stream) {
		int colon = stream.indexOf(':');
		return tagged("stream:meta:" + stream.substring(0, colon), stream.substring(colon + 1));
	}

	// {@code ws:worker:{workerId}}: a leased Snowflake worker ID.
	String worker(int workerId) {
		return tagged("worker", Integer.toString(workerId));
	}

	// {@code ws:ban:user:{uid}}: a banned user, and until when (ms; 0 for good).
	String bannedUser(String uid) {
		return tagged("ban:user", uid);
	}

	// {@code ws:ban:before:{uid}}: a user's credentials issued before this (ms) are
	// refused.
	String revokedBefore(String uid) {
		return tagged("ban:before", uid);
	}

	// {@code ws:ban:token:{uid}:<tokenId>}: a revoked credential (in the user's slot).
	String revokedToken(String uid, String tokenId) {
		return tagged("ban:token", uid) + ':' + tokenId;
	}

	// {@code ws:rate:user:{uid}}: a user's message bucket (t tokens, at ms).
	String userRate(String uid) {
		return tagged("rate:user", uid);
	}

	// {@code ws:nodes}: node -> its last heartbeat (Redis time, ms).
	String nodes() {
		return this.prefix + ":nodes";
	}

	// {@code ws:users}: uid -> 1 for every user with a socket.
	String users() {
		return this.prefix + ":users";
	}

	// {@code ws:presence:pending}: subject -> deadline, where to look for losses.
	String pendingIndex() {
		return this.prefix + ":presence:pending";
	}

	/**
	 * The Redis Cluster hash slot of a key (CRC16 of its hash tag, as Redis computes it).
	 * @param key the key
	 * @return the slot, 0 to 16383
	 */
	static int slot(String key) {
		return ClusterSlotHashUtil.calculateSlot(key);
	}

}
