package io.pushgateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.micrometer.common.KeyValues;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.pushgateway.core.AckResult;
import io.pushgateway.core.BanOperations;
import io.pushgateway.core.NodeOverloadedException;
import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushInProgressException;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushRules;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.RecentPresence;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.spi.ClusterBusException;
import io.pushgateway.transport.ExchangeIdentity;
import io.pushgateway.transport.GatewayRoutes;
import io.pushgateway.transport.RequestBodies;
import io.pushgateway.transport.RequestTargets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

import org.springframework.boot.convert.DurationStyle;

/**
 * The HTTP push API, for services in any language. The request body is the payload, kept
 * as bytes; its {@code Content-Type} says how clients read it ({@code application/json}
 * and {@code +json} types as JSON, {@code text/*} as text, anything else as binary).
 * Every request needs {@code Authorization: Bearer <token>} with the configured API
 * token, unless the application's Spring Security authenticated it (the API then runs
 * behind its filters). See {@code docs/http-api.md}.
 *
 * <p>
 * Without Spring Security, served on Reactor Netty directly, like the WebSocket endpoint,
 * rather than through WebFlux's handler chain: a push is a hot path (seed 001's test
 * drives hundreds of concurrent requests), and the exchange, routing and codec machinery
 * WebFlux adds per request cost more than the push itself ({@code docs/performance.md}).
 *
 * @author Push Gateway team
 */
public final class HttpPushApi implements GatewayRoutes {

	private static final Log logger = LogFactory.getLog(HttpPushApi.class);

	/**
	 * The header that makes a push idempotent (as in Stripe's and the IETF draft's APIs).
	 */
	private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private final PushOperations operations;

	private final PresenceOperations presence;

	private final byte @Nullable [] token;

	private final int maxPayloadSize;

	private final PushObservations observations;

	private final String basePath;

	private final HttpDisconnects disconnects;

	private final HttpBans bans;

	private final HttpConnections connections;

	/**
	 * Create the API, observing each request.
	 * @param operations pushes
	 * @param presence answers presence queries
	 * @param bans bans and revocations
	 * @param token the shared API token, or {@code null} to accept only requests the
	 * application's Spring Security authenticated
	 * @param maxPayloadSize the largest request body
	 * @param basePath the API's path
	 * @param observations observes each request; its pushes are its children
	 */
	public HttpPushApi(PushOperations operations, PresenceOperations presence, BanOperations bans,
			@Nullable String token, int maxPayloadSize, String basePath, PushObservations observations) {
		this(operations, presence, bans, token, maxPayloadSize, basePath, observations, null);
	}

	/**
	 * Create the API, observing each request, with the latest presence transitions.
	 * @param operations pushes
	 * @param presence answers presence queries
	 * @param bans bans and revocations
	 * @param token the shared API token, or {@code null} to accept only requests the
	 * application's Spring Security authenticated
	 * @param maxPayloadSize the largest request body
	 * @param basePath the API's path
	 * @param observations observes each request; its pushes are its children
	 * @param recent the latest presence transitions, or {@code null} when presence is off
	 */
	public HttpPushApi(PushOperations operations, PresenceOperations presence, BanOperations bans,
			@Nullable String token, int maxPayloadSize, String basePath, PushObservations observations,
			@Nullable RecentPresence recent) {
		this.observations = observations;
		this.operations = operations;
		this.presence = presence;
		this.token = (token != null) ? token.getBytes(StandardCharsets.UTF_8) : null;
		this.maxPayloadSize = maxPayloadSize;
		this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
		this.disconnects = new HttpDisconnects(operations);
		this.bans = new HttpBans(bans);
		this.connections = new HttpConnections(presence, recent);
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		return routes.route((request) -> RequestTargets.rawPath(request.uri()).startsWith(this.basePath + "/"),
				this::route);
	}

	private Publisher<Void> route(HttpServerRequest request, HttpServerResponse response) {
		String method = request.method().name();
		return this.observations.observe(PushObservations.HTTP, "push-api " + method, KeyValues.of("method", method),
				() -> routeObserved(request, response));
	}

	private Mono<Void> routeObserved(HttpServerRequest request, HttpServerResponse response) {
		return Mono.deferContextual((context) -> {
			ExchangeIdentity identity = ExchangeIdentity.from(context);
			if ((identity == null || identity.principal() == null)
					&& !authenticated(request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION))) {
				response.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"push-gateway\"");
				return Mono.from(ApiResponses.error(response, 401, "missing or invalid API token"));
			}
			try {
				return Mono.from(authorized(request, response));
			}
			catch (IllegalArgumentException ex) {
				// a malformed percent-escape in the query string, say; the decoder's
				// message repeats the target
				return Mono.from(ApiResponses.error(response, 400, RequestTargets.MALFORMED_QUERY));
			}
		});
	}

	private Publisher<Void> authorized(HttpServerRequest request, HttpServerResponse response) {
		QueryStringDecoder query = new QueryStringDecoder(request.uri());
		// decoded once, here: a malformed percent-escape anywhere in the query is the
		// same
		// 400 on every endpoint, before any of them reads a parameter (the decoder's own
		// message would repeat the request target)
		query.parameters();
		// split the raw path, then decode each segment: an encoded '/' stays inside its
		// segment
		String raw = query.rawPath();
		int base = raw.indexOf(this.basePath);
		if (base < 0) {
			return ApiResponses.error(response, 404, "no such endpoint");
		}
		String[] path = raw.substring(base + this.basePath.length() + 1).split("/", -1);
		HttpMethod method = request.method();
		if (method == HttpMethod.POST && "disconnect".equals(path[0])) {
			return this.disconnects.disconnect(request, response, path, query);
		}
		if ("bans".equals(path[0])) {
			return this.bans.answer(request, response, path, query);
		}
		if (method == HttpMethod.GET && "connections".equals(path[0])) {
			return this.connections.list(request, response, path, query);
		}
		if (method == HttpMethod.POST) {
			PushTarget target;
			try {
				target = ApiTargets.target(path, query);
			}
			catch (IllegalArgumentException ex) {
				return ApiResponses.error(response, 400, ex.getMessage());
			}
			if (target != null) {
				return push(request, response, target, query);
			}
		}
		else if (method == HttpMethod.GET && path.length == 2 && "presence".equals(path[0])
				&& ("nodes".equals(path[1]) || "recent".equals(path[1]))) {
			return this.connections.view(request, response, path[1], query);
		}
		else if (method == HttpMethod.GET && path.length >= 2 && "presence".equals(path[0])) {
			if (path.length == 3 && "users".equals(path[1])) {
				return presence(response, this.presence.socketsOf(ApiTargets.decode(path[2]))
					.map((sockets) -> Map.of("online", !sockets.isEmpty(), "sockets", sockets.stream()
						.map((socket) -> Map.of("socketId", Long.toString(socket.socketId()), "node", socket.node()))
						.toList())));
			}
			if (path.length == 3 && "guids".equals(path[1])) {
				return presence(response, this.presence.guidConnections(ApiTargets.decode(path[2]))
					.map((count) -> Map.of("connections", count)));
			}
			if (path.length == 2 && "stats".equals(path[1])) {
				return presence(response,
						this.presence.stats()
							.map((stats) -> Map.of("nodes", stats.nodes(), "connections", stats.connections(), "users",
									stats.users())));
			}
		}
		return ApiResponses.error(response, 404, "no such endpoint");
	}

	private Publisher<Void> push(HttpServerRequest request, HttpServerResponse response, PushTarget target,
			QueryStringDecoder query) {
		String event = RequestTargets.parameter(query, "event");
		if (event == null) {
			return ApiResponses.error(response, 400, "query parameter 'event' is required");
		}
		Duration ack;
		try {
			String value = RequestTargets.parameter(query, "ack");
			ack = (value != null) ? DurationStyle.detectAndParse(value) : null;
		}
		catch (IllegalArgumentException ex) {
			return ApiResponses.error(response, 400, "query parameter 'ack' must be a duration such as 5s");
		}
		String fallbackValue = RequestTargets.parameter(query, "fallback");
		if (fallbackValue != null && !fallbackValue.equals("true") && !fallbackValue.equals("false")) {
			return ApiResponses.error(response, 400, "query parameter 'fallback' must be true or false");
		}
		boolean fallback = "true".equals(fallbackValue);
		String recoverableValue = RequestTargets.parameter(query, "recoverable");
		if (recoverableValue != null && !recoverableValue.equals("true") && !recoverableValue.equals("false")) {
			return ApiResponses.error(response, 400, "query parameter 'recoverable' must be true or false");
		}
		boolean recoverable = "true".equals(recoverableValue);
		if (recoverable && (ack != null || fallback)) {
			return ApiResponses.error(response, 400,
					"query parameter 'recoverable' cannot be combined with 'ack' or 'fallback'");
		}
		long length = request.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
		if (length > this.maxPayloadSize) {
			return ApiResponses.error(response, 413, "payload larger than " + this.maxPayloadSize + " bytes");
		}
		String contentType = request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
		String idempotencyKey = request.requestHeaders().get(IDEMPOTENCY_KEY);
		PushOperations operations;
		try {
			operations = (idempotencyKey != null) ? this.operations.once(idempotencyKey) : this.operations;
		}
		catch (PushRejectedException ex) {
			return ApiResponses.error(response.keepAlive(false), 400, ex.getMessage());
		}
		catch (UnsupportedOperationException ex) {
			return ApiResponses.error(response.keepAlive(false), 400,
					"idempotency keys are not supported by this node's PushOperations");
		}
		return RequestBodies.read(request, this.maxPayloadSize).flatMap((bytes) -> {
			Payload payload = payload(bytes, contentType);
			if (ack != null) {
				return (fallback ? operations.pushWithAckAndFallback(target, event, payload, ack)
						: operations.pushWithAck(target, event, payload, ack))
					.map(HttpPushApi::body);
			}
			return (recoverable ? operations.pushRecoverable(target, event, payload) : fallback
					? operations.pushWithFallback(target, event, payload) : operations.push(target, event, payload))
				.map(HttpPushApi::body);
		})
			.flatMap((body) -> ApiResponses.send(response, 200, body))
			.onErrorResume(RequestBodies.BodyTooLargeException.class,
					(ex) -> ApiResponses.error(response.keepAlive(false), 413,
							"payload larger than " + this.maxPayloadSize + " bytes"))
			.onErrorResume(NodeOverloadedException.class, (ex) -> ApiResponses.error(response, 503, ex.getMessage()))
			.onErrorResume(PushInProgressException.class, (ex) -> ApiResponses.error(response, 409, ex.getMessage()))
			.onErrorResume(PushRejectedException.class, (ex) -> ApiResponses.error(response, 400, ex.getMessage()))
			.onErrorResume(ClusterBusException.class, (ex) -> {
				// the bus's words (Kafka's, Redis's) are for the log
				if (logger.isDebugEnabled()) {
					logger.debug("Push delivered on this node only: " + ex);
				}
				return ApiResponses.error(response, 503,
						"delivered on this node only; the cluster bus refused the push");
			})
			.onErrorResume(IllegalArgumentException.class, (ex) -> ApiResponses.error(response, 400, ex.getMessage()));
	}

	private Publisher<Void> presence(HttpServerResponse response, Mono<Map<String, Object>> body) {
		return body.flatMap((value) -> ApiResponses.send(response, 200, ApiResponses.MAPPER.writeValueAsString(value)))
			.onErrorResume((error) -> {
				if (logger.isDebugEnabled()) {
					logger.debug("Presence query failed: " + error);
				}
				return ApiResponses.error(response, 503, "session registry unavailable");
			});
	}

	private boolean authenticated(@Nullable String header) {
		return header != null && this.token != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
				&& MessageDigest.isEqual(this.token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
	}

	private static Payload payload(byte[] bytes, @Nullable String contentType) {
		String type = mediaType(contentType);
		if (type.equals("application/json") || type.endsWith("+json")) {
			if (bytes.length == 0) {
				return Payload.EMPTY;
			}
			// embedded verbatim in JSON frames: well-formed UTF-8 and one JSON value, the
			// rule of every entry point
			return PushRules.wellFormed(Payload.json(bytes));
		}
		if (type.startsWith("text/")) {
			return PushRules.wellFormed(new Payload(bytes, PayloadFormat.TEXT));
		}
		return Payload.binary(bytes);
	}

	/* The media type without parameters, lower case; binary when absent. */
	private static String mediaType(@Nullable String contentType) {
		if (contentType == null) {
			return "application/octet-stream";
		}
		int semicolon = contentType.indexOf(';');
		return ((semicolon >= 0) ? contentType.substring(0, semicolon) : contentType).trim().toLowerCase(Locale.ROOT);
	}

	/* Written by hand: two numbers, on every push. */
	private static String body(PushResult result) {
		// a 64-bit ID is a decimal string, as in every frame: JSON.parse rounds numbers
		// above 2^53
		return "{\"messageId\":\"" + result.messageId() + "\",\"localDeliveries\":" + result.localDeliveries() + "}";
	}

	private static String body(AckResult result) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("messageId", result.messageId());
		body.put("localDeliveries", result.localDeliveries());
		body.put("acknowledged", result.acknowledged().stream().map(String::valueOf).toList());
		return ApiResponses.MAPPER.writeValueAsString(body);
	}

}
