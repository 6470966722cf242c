package io.pushgateway.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * One connection somewhere in the cluster, as listed for operators
 * ({@link PresenceOperations#connections}).
 *
 * @param socketId the socket ID
 * @param uid the user
 * @param node the ID of the node holding it
 * @param transport {@code websocket}, {@code sse}, {@code polling} or {@code socketio}
 * @param protocol the frame protocol ({@code push.v1.json}, {@code push.v1.msgpack},
 * ...), or empty when the node that wrote it did not say
 * @param openedAt when it opened
 * @param lastSeen when its client was last heard from, as last synchronized to the
 * registry
 * @param guids the GUIDs it is attached to
 * @param clientAddress the client's address, only with
 * {@code push.gateway.connections.client-address=true}, else {@code null}
 * @author Push Gateway team
 */
public record ConnectionInfo(long socketId, String uid, String node, String transport, String protocol,
		Instant openedAt, Instant lastSeen, Set<String> guids, @Nullable String clientAddress) {

	public ConnectionInfo {
		guids = Set.copyOf(guids);
	}

	/**
	 * The fields as the HTTP API, gRPC's JSON and the Actuator endpoint show them: the
	 * socket ID as a decimal string (a JavaScript number cannot hold it), times in
	 * ISO-8601, the GUIDs sorted, and the client's address only when listed.
	 * @return the fields, in a stable order
	 */
	public Map<String, Object> toMap() {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("socketId", Long.toString(this.socketId));
		fields.put("uid", this.uid);
		fields.put("node", this.node);
		fields.put("transport", this.transport);
		fields.put("protocol", this.protocol);
		fields.put("openedAt", this.openedAt.toString());
		fields.put("lastSeen", this.lastSeen.toString());
		fields.put("guids", new TreeSet<>(this.guids));
		if (this.clientAddress != null) {
			fields.put("clientAddress", this.clientAddress);
		}
		return fields;
	}

}
