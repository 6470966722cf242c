package io.pushgateway.registry.redis;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.spi.Session;
import org.jspecify.annotations.Nullable;

/**
 * Session changes turned into calls of {@code apply.lua}: one call per hash slot on Redis
 * Cluster, so that no call spans slots, or one call for a whole batch on a standalone
 * Redis, as before Redis Cluster was supported (one round trip, atomic per batch).
 *
 * <p>
 * A change is split by the entity it touches: a registration writes the socket's hash
 * (its slot), adds the socket to its node's set (the node's slot), to its user (the
 * user's slot) and to each of its GUIDs (each GUID's slot). Changes to one key land in
 * one call in the order they were queued, so each entity sees its changes in order.
 *
 * <p>
 * The queued changes, as string arrays:
 * <ul>
 * <li>{@code R sid uid connectedAt lastSeen transport protocol address guid...}: register
 * on this node (address empty unless listings show it)</li>
 * <li>{@code U sid uid node guid...}: unregister from that node (uid empty: only from the
 * node's set)</li>
 * <li>{@code J sid uid guid} / {@code L sid uid guid}: join / leave</li>
 * <li>{@code T sid lastSeen}: last-seen sync</li>
 * </ul>
 * The static factories below build them.
 *
 * @author Push Gateway team
 */
final class ApplyCalls {

	// where a registration's GUIDs begin
	private static final int FIRST_GUID = 8;

	private final RedisKeys keys;

	private final String node;

	private final SlotPartition<Call> calls;

	/**
	 * Start a batch.
	 * @param keys the key names
	 * @param cluster whether to split by hash slot
	 * @param node this node's ID
	 */
	ApplyCalls(RedisKeys keys, boolean cluster, String node) {
		this.keys = keys;
		this.node = node;
		this.calls = new SlotPartition<>(cluster, Call::new);
	}

	/**
	 * Register a session on this node.
	 * @param session the session
	 * @param clientAddress whether to write the client's address
	 * @return the change
	 */
	static String[] register(Session session, boolean clientAddress) {
		Set<String> guids = session.guids();
		String[] op = new String[FIRST_GUID + guids.size()];
		op[0] = "R";
		op[1] = Long.toString(session.socketId());
		op[2] = session.uid();
		op[3] = Long.toString(SnowflakeIdGenerator.timestampOf(session.socketId()).toEpochMilli());
		op[4] = Long.toString(session.lastSeen());
		op[5] = session.transport();
		op[6] = session.protocol();
		InetAddress address = clientAddress ? session.remoteAddress() : null;
		op[7] = (address != null) ? address.getHostAddress() : "";
		int i = FIRST_GUID;
		for (String guid : guids) {
			op[i++] = guid;
		}
		return op;
	}

	/**
	 * Unregister a session from a node.
	 * @param sid the socket ID
	 * @param uid the user, or empty to remove the socket from the node's set only
	 * @param node the node
	 * @param guids the GUIDs the session is attached to
	 * @return the change
	 */
	static String[] unregister(String sid, String uid, String node, Collection<String> guids) {
		String[] op = new String[4 + guids.size()];
		op[0] = "U";
		op[1] = sid;
		op[2] = uid;
		op[3] = node;
		int i = 4;
		for (String guid : guids) {
			op[i++] = guid;
		}
		return op;
	}

	/**
	 * Undo a registration.
	 * @param register the registration, as {@link #register} made it
	 * @param node the node
	 * @return the change
	 */
	static String[] unregister(String[] register, String node) {
		return unregister(register[1], register[2], node, Arrays.asList(register).subList(FIRST_GUID, register.length));
	}

	/**
	 * Attach a session to a GUID.
	 * @param sid the socket ID
	 * @param uid the session's user
	 * @param guid the GUID
	 * @return the change
	 */
	static String[] join(String sid, String uid, String guid) {
		return new String[] { "J", sid, uid, guid };
	}

	/**
	 * Detach a session from a GUID.
	 * @param sid the socket ID
	 * @param uid the session's user
	 * @param guid the GUID
	 * @return the change
	 */
	static String[] leave(String sid, String uid, String guid) {
		return new String[] { "L", sid, uid, guid };
	}

	/**
	 * Record when a session was last seen.
	 * @param sid the socket ID
	 * @param lastSeen the time, in epoch milliseconds
	 * @return the change
	 */
	static String[] lastSeen(String sid, long lastSeen) {
		return new String[] { "T", sid, Long.toString(lastSeen) };
	}

	/**
	 * Add one queued change.
	 * @param op the change
	 */
	void add(String[] op) {
		String sid = op[1];
		switch (op[0]) {
			case "R" -> {
				String uid = op[2];
				String client = this.keys.client(sid);
				Call call = call(client);
				call.op("C", client, uid, this.node, op[3], op[4], op[5], op[6], op[7],
						Integer.toString(op.length - FIRST_GUID));
				call.plain(slice(op, FIRST_GUID));
				String nodeClients = this.keys.nodeClients(this.node);
				call(nodeClients).op("N", nodeClients, sid);
				String user = this.keys.userClients(uid);
				Call userCall = call(user);
				userCall.keyed("U", user, this.keys.userMarker(uid));
				userCall.plain(uid, sid, this.node);
				for (int i = FIRST_GUID; i < op.length; i++) {
					guid("G", op[i], uid, sid, this.node);
				}
			}
			case "U" -> {
				String uid = op[2];
				String client = this.keys.client(sid);
				call(client).op("D", client);
				String nodeClients = this.keys.nodeClients(op[3]);
				call(nodeClients).op("M", nodeClients, sid);
				if (uid.isEmpty()) {
					// a session whose hash was gone: only its node's set still names it
					return;
				}
				String user = this.keys.userClients(uid);
				Call userCall = call(user);
				userCall.keyed("V", user, this.keys.userMarker(uid));
				userCall.plain(uid, sid);
				for (int i = 4; i < op.length; i++) {
					guid("H", op[i], uid, sid, null);
				}
			}
			case "J", "L" -> {
				String client = this.keys.client(sid);
				call(client).op(op[0], client, op[3]);
				guid(op[0].equals("J") ? "G" : "H", op[3], op[2], sid, op[0].equals("J") ? this.node : null);
			}
			case "T" -> {
				String client = this.keys.client(sid);
				call(client).op("T", client, op[2]);
			}
			default -> throw new IllegalArgumentException("Unknown registry change " + op[0]);
		}
	}

	private void guid(String code, String guid, String uid, String sid, @Nullable String node) {
		String guidClients = this.keys.guidClients(guid);
		Call call = call(guidClients);
		call.keyed(code, guidClients, this.keys.guidUsers(guid), this.keys.guidMarker(guid),
				this.keys.memberMarkers(guid));
		call.plain(guid, uid, sid);
		if (node != null) {
			call.plain(node);
		}
	}

	private static String[] slice(String[] op, int from) {
		String[] rest = new String[op.length - from];
		System.arraycopy(op, from, rest, 0, rest.length);
		return rest;
	}

	private Call call(String key) {
		return this.calls.of(key);
	}

	boolean isEmpty() {
		return this.calls.isEmpty();
	}

	Collection<Call> calls() {
		return this.calls.parts();
	}

	/**
	 * One script call: its keys, each declared once, and its ops naming them by index.
	 */
	static final class Call {

		private final List<String> keys = new ArrayList<>();

		private final Map<String, String> indexes = new HashMap<>();

		private final List<String> ops = new ArrayList<>();

		// An op whose first argument is a key; the rest are plain.
		void op(String code, String key, String... rest) {
			keyed(code, key);
			plain(rest);
		}

		// An op code followed by keys.
		void keyed(String code, String... keys) {
			this.ops.add(code);
			for (String key : keys) {
				this.ops.add(declare(key));
			}
		}

		void plain(String... values) {
			this.ops.addAll(List.of(values));
		}

		/**
		 * Declare a key and return its index.
		 * @param key the key
		 * @return its 1-based index in KEYS
		 */
		String declare(String key) {
			return this.indexes.computeIfAbsent(key, (name) -> {
				this.keys.add(name);
				return Integer.toString(this.keys.size());
			});
		}

		List<String> keys() {
			return this.keys;
		}

		List<String> ops() {
			return this.ops;
		}

	}

}
