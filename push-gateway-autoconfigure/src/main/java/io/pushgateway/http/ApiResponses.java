package io.pushgateway.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
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

	static Mono<Void> send(HttpServerResponse response, int status, String json) {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
			.sendByteArray(Mono.just(bytes))
			.then();
	}

}
