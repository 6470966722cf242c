package io.pushgateway.http;

import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.pushgateway.core.ConnectionPage;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.RecentPresence;
import io.pushgateway.transport.RequestTargets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code GET {base}/connections/users/{uid}} and {@code GET
 * {base}/connections/guids/{guid}} with {@code ?cursor=&limit=}: a page of a user's or a
 * GUID's connections across the cluster ({@link PresenceOperations#connections}). A
 * listing has no body: one that declares a body is refused, unread.
 *
 * @author Push Gateway team
 */
final class HttpConnections {

	private static final Log logger = LogFactory.getLog(HttpConnections.class);

	private final PresenceOperations presence;

	private final @Nullable RecentPresence recent;

	HttpConnections(PresenceOperations presence, @Nullable RecentPresence recent) {
		this.presence = presence;
		this.recent = recent;
	}

	/**
	 * Answer {@code presence/nodes} or {@code presence/recent}.
	 * @param request the request
	 * @param response the response
	 * @param view {@code nodes} or {@code recent}
	 * @param query the query
	 * @return the completion of the response
	 */
	Publisher<Void> view(HttpServerRequest request, HttpServerResponse response, String view,
			QueryStringDecoder query) {
		Mono<Void> refused = ApiResponses.refuseBody(request, response, "a query has no body");
		if (refused != null) {
			return refused;
		}
		Mono<Map<String, Object>> body;
		if ("nodes".equals(view)) {
			body = this.presence.nodes().map((nodes) -> Map.of("nodes", nodes.stream().map((node) -> {
				Map<String, Object> fields = new LinkedHashMap<>();
				fields.put("node", node.node());
				fields.put("connections", node.connections());
				fields.put("lastHeartbeat", node.lastHeartbeat().toString());
				return fields;
			}).toList()));
		}
		else {
			RecentPresence recent = this.recent;
			if (recent == null) {
				return ApiResponses.error(response, 404,
						"presence transitions are off (push.gateway.presence.enabled)");
			}
			int limit;
			try {
				String value = RequestTargets.parameter(query, "limit");
				limit = (value != null) ? Integer.parseInt(value) : RecentPresence.KEPT;
			}
			catch (NumberFormatException ex) {
				limit = -1;
			}
			if (limit < 1 || limit > RecentPresence.KEPT) {
				return ApiResponses.error(response, 400,
						"query parameter 'limit' must be a number from 1 to " + RecentPresence.KEPT);
			}
			body = recent.recent(limit).map((events) -> Map.of("transitions", events.stream().map((event) -> {
				Map<String, Object> fields = new LinkedHashMap<>();
				fields.put("type", event.type().name());
				fields.put("event", event.type().eventName());
				fields.put("uid", event.uid());
				fields.put("guid", event.guid());
				fields.put("at", event.at().toString());
				return fields;
			}).toList()));
		}
		return body.flatMap((value) -> ApiResponses.send(response, 200, ApiResponses.MAPPER.writeValueAsString(value)))
			.onErrorResume((error) -> {
				if (logger.isDebugEnabled()) {
					logger.debug("Presence view failed: " + error);
				}
				return ApiResponses.error(response, 503, "session registry unavailable");
			});
	}

	/**
	 * Answer a listing: {@code 200} with {@code connections} and {@code next},
	 * {@code 400} for a bad cursor or limit or a body, {@code 404} for no such listing,
	 * {@code 503} when the registry cannot answer.
	 * @param request the request
	 * @param response the response
	 * @param path the path's segments after the base, {@code connections} first
	 * @param query the query
	 * @return the completion of the response
	 */
	Publisher<Void> list(HttpServerRequest request, HttpServerResponse response, String[] path,
			QueryStringDecoder query) {
		if (path.length != 3 || path[2].isEmpty() || !("users".equals(path[1]) || "guids".equals(path[1]))) {
			return ApiResponses.error(response, 404, "no such endpoint");
		}
		Mono<Void> refused = ApiResponses.refuseBody(request, response, "a listing has no body");
		if (refused != null) {
			return refused;
		}
		String id;
		int limit;
		try {
			id = ApiTargets.decode(path[2]);
			String limitValue = RequestTargets.parameter(query, "limit");
			limit = (limitValue != null) ? Integer.parseInt(limitValue) : ConnectionPage.DEFAULT_LIMIT;
		}
		catch (NumberFormatException ex) {
			return ApiResponses.error(response, 400,
					"query parameter 'limit' must be a number from 1 to " + ConnectionPage.MAX_LIMIT);
		}
		catch (IllegalArgumentException ex) {
			return ApiResponses.error(response, 400, ex.getMessage());
		}
		PushTarget target = "users".equals(path[1]) ? PushTarget.user(id) : PushTarget.guid(id);
		return this.presence.connections(target, RequestTargets.parameter(query, "cursor"), limit)
			.flatMap((page) -> ApiResponses.send(response, 200, ApiResponses.MAPPER.writeValueAsString(page.toMap())))
			.onErrorResume(PushRejectedException.class, (ex) -> ApiResponses.error(response, 400, ex.getMessage()))
			.onErrorResume((error) -> {
				if (logger.isDebugEnabled()) {
					logger.debug("Listing connections failed: " + error);
				}
				return ApiResponses.error(response, 503, "session registry unavailable");
			});
	}

}
