package io.pushgateway.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API's answers: JSON bodies with their length, errors as {@code {"error": ...}}.
 *
 * @author Push Gateway team
 */
final class ApiResponses {

	static final JsonMapper MAPPER = new JsonMapper();

	private ApiResponses() {
	}

	static Mono<Void> error(HttpServerResponse response, int status, @Nullable String message) {
		return send(response, status, MAPPER.writeValueAsString(Map.of("error", String.valueOf(message))));
	}

	/**
	 * Refuse, unread, a request that declares a body where its endpoint takes none: the
	 * connection is not kept, so the body is never read.
	 * @param request the request
	 * @param response its response
	 * @param message the error, such as {@code a ban has no body}
	 * @return the refusal, or {@code null} when the request declares no body
	 */
	static @Nullable Mono<Void> refuseBody(HttpServerRequest request, HttpServerResponse response, String message) {
		if (request.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, 0) != 0
				|| request.requestHeaders().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
			return error(response.keepAlive(false), 400, message);
		}
		return null;
	}

	static Mono<Void> send(HttpServerResponse response, int status, String json) {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
			.sendByteArray(Mono.just(bytes))
			.then();
	}

}
