package io.pushgateway.registry.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * <li>{@code R sid uid connectedAt lastSeen guid...}: register on this node</li>
 * <li>{@code U sid uid node guid...}: unregister from that node (uid empty: only from the
 * node's set)</li>
 * <li>{@code J sid uid guid} / {@code L sid uid guid}: join / leave</li>
 * <li>{@code T sid lastSeen}: last-seen sync</li>
 * </ul>
 *
 * @author Push Gateway team
 */
final class ApplyCalls {

	private final RedisKeys keys;

	private final boolean cluster;

	private final String node;

	private final Map<Integer, Call> calls = new LinkedHashMap<>();

	/**
	 * Start a batch.
	 * @param keys the key names
	 * @param cluster whether to split by hash slot
	 * @param node this node's ID
	 */
	ApplyCalls(RedisKeys keys, boolean cluster, String node) {
		this.keys = keys;
		this.cluster = cluster;
		this.node = node;
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
				call.op("C", client, uid, this.node, op[3], op[4], Integer.toString(op.length - 5));
				call.plain(slice(op, 5));
				String nodeClients = this.keys.nodeClients(this.node);
				call(nodeClients).op("N", nodeClients, sid);
				String user = this.keys.userClients(uid);
				Call userCall = call(user);
				userCall.keyed("U", user, this.keys.userMarker(uid));
				userCall.plain(uid, sid, this.node);
				for (int i = 5; i < op.length; i++) {
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
		return this.calls.computeIfAbsent(this.cluster ? RedisKeys.slot(key) : 0, (slot) -> new Call());
	}

	boolean isEmpty() {
		return this.calls.isEmpty();
	}

	Collection<Call> calls() {
		return this.calls.values();
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
