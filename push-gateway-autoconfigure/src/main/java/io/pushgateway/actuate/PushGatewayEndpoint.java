package io.pushgateway.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pushgateway.core.ConnectionPage;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushTarget;
import io.pushgateway.hub.FanOut;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.NodeLifecycle;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.SessionRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code pushgateway} Actuator endpoint: what this node holds
 * ({@code /actuator/pushgateway}), and where a user's or a socket's connections are
 * ({@code /actuator/pushgateway/users/{uid}},
 * {@code /actuator/pushgateway/sockets/{id}}), cluster-wide when a shared registry is
 * configured. Reads only; answers within the registry's command timeout.
 *
 * @author Push Gateway team
 */
@Endpoint(id = "pushgateway")
public class PushGatewayEndpoint {

	private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);

	private final String nodeId;

	private final LocalHub hub;

	private final FanOut fanOut;

	private final NodeLifecycle lifecycle;

	private final SessionRegistry registry;

	private final PresenceOperations presence;

	private final ClusterBus bus;

	public PushGatewayEndpoint(String nodeId, LocalHub hub, FanOut fanOut, NodeLifecycle lifecycle,
			SessionRegistry registry, PresenceOperations presence, ClusterBus bus) {
		this.nodeId = nodeId;
		this.hub = hub;
		this.fanOut = fanOut;
		this.lifecycle = lifecycle;
		this.registry = registry;
		this.presence = presence;
		this.bus = bus;
	}

	/**
	 * This node: connections, users, queues, the bus, and the cluster's counts.
	 * @return the report
	 */
	@ReadOperation
	public Mono<Map<String, Object>> node() {
		Map<String, Object> node = new LinkedHashMap<>();
		node.put("node", this.nodeId);
		node.put("accepting", this.lifecycle.isAccepting());
		node.put("connections", this.hub.connectionCount());
		node.put("users", this.hub.userCount());
		long queued = 0;
		int polling = 0;
		int sse = 0;
		for (PushConnection connection : this.hub.connections()) {
			queued += connection.queuedBytes();
			if ("polling".equals(connection.transport())) {
				polling++;
			}
			else if ("sse".equals(connection.transport())) {
				sse++;
			}
		}
		node.put("pollingConnections", polling);
		node.put("sseConnections", sse);
		node.put("outboundQueuedBytes", queued);
		node.put("fanOutPending", this.fanOut.pendingBatches());
		node.put("bus", this.bus.health().details());
		return this.presence.stats().timeout(LOOKUP_TIMEOUT).map((stats) -> {
			Map<String, Object> cluster = new LinkedHashMap<>();
			cluster.put("nodes", stats.nodes());
			cluster.put("connections", stats.connections());
			cluster.put("users", stats.users());
			return (Object) cluster;
		}).onErrorResume((ex) -> Mono.just(Map.of("error", String.valueOf(ex.getMessage())))).map((cluster) -> {
			node.put("cluster", cluster);
			return node;
		});
	}

	/**
	 * A user's or a GUID's connections, a page at a time, or a socket.
	 * @param kind {@code users}, {@code guids} or {@code sockets}
	 * @param id the user ID, the GUID or the socket ID
	 * @param cursor the {@code next} of the previous page, for a user or a GUID
	 * @param limit the page size, 1 to 1000 (100 by default)
	 * @return what the cluster knows, or {@code null} (404) when nothing
	 */
	@ReadOperation
	public Mono<Map<String, Object>> lookup(@Selector String kind, @Selector String id, @Nullable String cursor,
			@Nullable Integer limit) {
		int size = (limit != null) ? limit : ConnectionPage.DEFAULT_LIMIT;
		if ("users".equals(kind) || "guids".equals(kind)) {
			PushTarget target = "users".equals(kind) ? PushTarget.user(id) : PushTarget.guid(id);
			return this.presence.connections(target, cursor, size).timeout(LOOKUP_TIMEOUT).map((page) -> {
				Map<String, Object> body = new LinkedHashMap<>();
				body.put("users".equals(kind) ? "uid" : "guid", id);
				body.put("online", !page.connections().isEmpty() || page.next() != null);
				body.putAll(page.toMap());
				return body;
			})
				.onErrorMap(PushRejectedException.class,
						(ex) -> new InvalidEndpointRequestException(String.valueOf(ex.getMessage()),
								String.valueOf(ex.getMessage())));
		}
		if ("sockets".equals(kind)) {
			try {
				return socket(Long.parseLong(id));
			}
			catch (NumberFormatException ex) {
				return Mono.empty();
			}
		}
		return Mono.empty();
	}

	private Mono<Map<String, Object>> socket(long socketId) {
		PushConnection local = this.hub.connection(socketId);
		if (local != null) {
			return Mono.just(describe(local));
		}
		return this.registry.describe(socketId).timeout(LOOKUP_TIMEOUT).map((fields) -> {
			Map<String, Object> socket = new LinkedHashMap<>();
			socket.put("socketId", Long.toString(socketId));
			socket.putAll(fields);
			return socket;
		});
	}

	private Map<String, Object> describe(PushConnection connection) {
		Map<String, Object> socket = new LinkedHashMap<>();
		// as a string: JavaScript numbers cannot hold a 64-bit ID
		socket.put("socketId", Long.toString(connection.socketId()));
		socket.put("uid", connection.uid());
		socket.put("node", this.nodeId);
		socket.put("transport", connection.transport());
		socket.put("protocol", connection.codec().subprotocol());
		socket.put("guids", List.copyOf(connection.guids()));
		socket.put("lastSeen", Instant.ofEpochMilli(connection.lastSeen()).toString());
		socket.put("queuedBytes", connection.queuedBytes());
		Instant expiresAt = connection.principal().expiresAt();
		socket.put("credentialExpiresAt", (expiresAt != null) ? expiresAt.toString() : null);
		return socket;
	}

}
