package io.pushgateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.pushgateway.core.AckResult;
import io.pushgateway.core.NodeOverloadedException;
import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.ClusterBusException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The HTTP push API, for services in any language. The request body is the payload, kept
 * as bytes; its {@code Content-Type} says how clients read it ({@code application/json}
 * and {@code +json} types as JSON, {@code text/*} as text, anything else as binary).
 * Every request needs {@code Authorization: Bearer <token>} with the configured API
 * token. See {@code docs/http-api.md}.
 *
 * @author Push Gateway team
 */
public final class HttpPushApi {

	private static final JsonFactory JSON = JsonFactory.builder().build();

	private final PushOperations operations;

	private final PresenceOperations presence;

	private final byte[] token;

	private final int maxPayloadSize;

	public HttpPushApi(PushOperations operations, PresenceOperations presence, String token, int maxPayloadSize) {
		this.operations = operations;
		this.presence = presence;
		this.token = token.getBytes(StandardCharsets.UTF_8);
		this.maxPayloadSize = maxPayloadSize;
	}

	/**
	 * The routes of the API under a base path.
	 * @param basePath the base path, such as {@code /push-api}
	 * @return the router function
	 */
	public RouterFunction<ServerResponse> routes(String basePath) {
		return RouterFunctions.route()
			.path(basePath, (builder) -> builder
				.POST("/users/{uid}", (request) -> push(request, (r) -> PushTarget.user(r.pathVariable("uid"))))
				.POST("/users", (request) -> push(request, HttpPushApi::users))
				.POST("/guids/{guid}", (request) -> push(request, (r) -> PushTarget.guid(r.pathVariable("guid"))))
				.POST("/sockets/{socketId}", (request) -> push(request, (r) -> socket(r.pathVariable("socketId"))))
				.POST("/broadcast", (request) -> push(request, (r) -> PushTarget.all()))
				.GET("/presence/users/{uid}", this::userPresence)
				.GET("/presence/guids/{guid}", this::guidPresence)
				.GET("/presence/stats", this::stats))
			.filter(authenticated())
			.build();
	}

	private HandlerFilterFunction<ServerResponse, ServerResponse> authenticated() {
		return (request, next) -> {
			String header = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
			if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || !MessageDigest.isEqual(this.token,
					header.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
				return ServerResponse.status(HttpStatus.UNAUTHORIZED)
					.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"push-gateway\"")
					.bodyValue(error("missing or invalid API token"));
			}
			return next.handle(request);
		};
	}

	private static PushTarget users(ServerRequest request) {
		List<String> uids = request.queryParams().getOrDefault("uid", List.of());
		if (uids.isEmpty()) {
			throw new IllegalArgumentException("at least one 'uid' query parameter is required");
		}
		return PushTarget.users(uids);
	}

	private static PushTarget socket(String value) {
		try {
			return PushTarget.socket(Long.parseLong(value));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("socket ID must be a decimal 64-bit number");
		}
	}

	private Mono<ServerResponse> push(ServerRequest request, Function<ServerRequest, PushTarget> targetOf) {
		PushTarget target;
		try {
			target = targetOf.apply(request);
		}
		catch (IllegalArgumentException ex) {
			return badRequest(ex.getMessage());
		}
		String event = request.queryParam("event").orElse(null);
		if (event == null) {
			return badRequest("query parameter 'event' is required");
		}
		MediaType type = request.headers().contentType().orElse(MediaType.APPLICATION_OCTET_STREAM);
		java.time.Duration ack;
		try {
			ack = request.queryParam("ack").map(DurationStyle::detectAndParse).orElse(null);
		}
		catch (IllegalArgumentException ex) {
			return badRequest("query parameter 'ack' must be a duration such as 5s");
		}
		return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), this.maxPayloadSize).map((buffer) -> {
			try {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				return bytes;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		})
			.defaultIfEmpty(new byte[0])
			.flatMap((bytes) -> (ack == null)
					? this.operations.push(target, event, payload(bytes, type)).map(HttpPushApi::body)
					: this.operations.pushWithAck(target, event, payload(bytes, type), ack).map(HttpPushApi::body))
			.flatMap((body) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body))
			.onErrorResume(DataBufferLimitException.class,
					(ex) -> ServerResponse.status(HttpStatus.CONTENT_TOO_LARGE)
						.bodyValue(error("payload larger than " + this.maxPayloadSize + " bytes")))
			.onErrorResume(NodeOverloadedException.class,
					(ex) -> ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE).bodyValue(error(ex.getMessage())))
			.onErrorResume(PushRejectedException.class, (ex) -> badRequest(ex.getMessage()))
			.onErrorResume(ClusterBusException.class,
					(ex) -> ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
						.contentType(MediaType.APPLICATION_JSON)
						.bodyValue(error(
								"delivered on this node only; the cluster bus refused the push: " + ex.getMessage())))
			.onErrorResume(IllegalArgumentException.class, (ex) -> badRequest(ex.getMessage()));
	}

	private Mono<ServerResponse> userPresence(ServerRequest request) {
		return this.presence.socketsOf(request.pathVariable("uid"))
			.map((sockets) -> Map.of("online", !sockets.isEmpty(), "sockets",
					sockets.stream()
						.map((socket) -> Map.of("socketId", Long.toString(socket.socketId()), "node", socket.node()))
						.toList()))
			.flatMap((body) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body))
			.onErrorResume(this::registryUnavailable);
	}

	private Mono<ServerResponse> guidPresence(ServerRequest request) {
		return this.presence.guidConnections(request.pathVariable("guid"))
			.flatMap((count) -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("connections", count)))
			.onErrorResume(this::registryUnavailable);
	}

	private Mono<ServerResponse> stats(ServerRequest request) {
		return this.presence.stats()
			.flatMap((stats) -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("nodes", stats.nodes(), "connections", stats.connections(), "users", stats.users())))
			.onErrorResume(this::registryUnavailable);
	}

	private Mono<ServerResponse> registryUnavailable(Throwable error) {
		return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(error("session registry unavailable: " + error.getMessage()));
	}

	private static Payload payload(byte[] bytes, MediaType type) {
		if (isJson(type)) {
			if (bytes.length == 0) {
				return Payload.EMPTY;
			}
			requireOneJsonValue(bytes);
			return Payload.json(bytes);
		}
		if ("text".equals(type.getType())) {
			return new Payload(bytes, PayloadFormat.TEXT);
		}
		return Payload.binary(bytes);
	}

	private static boolean isJson(MediaType type) {
		return MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json");
	}

	/**
	 * The bytes are embedded verbatim in JSON frames, so they must be exactly one JSON
	 * value.
	 */
	private static void requireOneJsonValue(byte[] bytes) {
		try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), bytes)) {
			if (parser.nextToken() == null) {
				throw new IllegalArgumentException("body is not JSON");
			}
			parser.skipChildren();
			if (parser.nextToken() != null) {
				throw new IllegalArgumentException("body holds more than one JSON value");
			}
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("body is not valid JSON: " + ex.getOriginalMessage());
		}
	}

	private static Map<String, Object> body(AckResult result) {
		return Map.of("messageId", result.messageId(), "localDeliveries", result.localDeliveries(), "acknowledged",
				result.acknowledged().stream().map(String::valueOf).toList());
	}

	private static Map<String, Object> body(PushResult result) {
		return Map.of("messageId", result.messageId(), "localDeliveries", result.localDeliveries());
	}

	private static Mono<ServerResponse> badRequest(String message) {
		return ServerResponse.badRequest().contentType(MediaType.APPLICATION_JSON).bodyValue(error(message));
	}

	private static Map<String, String> error(String message) {
		return Map.of("error", message);
	}

}
