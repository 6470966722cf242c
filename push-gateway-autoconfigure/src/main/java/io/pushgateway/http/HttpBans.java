package io.pushgateway.http;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.pushgateway.core.BanOperations;
import io.pushgateway.core.BanState;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.spi.ClusterBusException;
import io.pushgateway.transport.RequestTargets;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Bans and revocations ({@link BanOperations}) over HTTP, under
 * {@code {base}/bans/users/{uid}}:
 *
 * <pre>
 * PUT    {base}/bans/users/{uid}[?until=]                  ban (until an ISO-8601 instant, or for good)
 * DELETE {base}/bans/users/{uid}                           lift the ban
 * GET    {base}/bans/users/{uid}                           {"banned":…,"bannedUntil":…,"revokedBefore":…}
 * PUT    {base}/bans/users/{uid}/tokens/{tokenId}?until=   revoke one credential, remembered until then
 * DELETE {base}/bans/users/{uid}/tokens/{tokenId}          restore it
 * PUT    {base}/bans/users/{uid}/tokens[?issued-before=]  revoke the credentials issued before (now)
 * DELETE {base}/bans/users/{uid}/tokens                    lift that revocation
 * </pre>
 *
 * None has a body: one that declares a body is refused, unread. {@code 204} once the
 * store has it and, for a ban or revocation, this node's connections are closed and the
 * bus has the disconnect; {@code 400} for a bad uid, token ID or time; {@code 503} when
 * the store or the bus failed.
 *
 * @author Push Gateway team
 */
final class HttpBans {

	private final BanOperations bans;

	HttpBans(BanOperations bans) {
		this.bans = bans;
	}

	/**
	 * Answer a request under {@code bans}.
	 * @param request the request
	 * @param response the response
	 * @param path the path's segments after the base, {@code bans} first
	 * @param query the query
	 * @return the completion of the response
	 */
	Publisher<Void> answer(HttpServerRequest request, HttpServerResponse response, String[] path,
			QueryStringDecoder query) {
		Mono<Void> refused = ApiResponses.refuseBody(request, response, "a ban has no body");
		if (refused != null) {
			return refused;
		}
		if (path.length < 3 || path.length > 5 || !"users".equals(path[1]) || path[2].isEmpty()
				|| (path.length > 3 && !"tokens".equals(path[3])) || (path.length == 5 && path[4].isEmpty())) {
			return ApiResponses.error(response, 404, "no such endpoint");
		}
		String uid = ApiTargets.decode(path[2]);
		HttpMethod method = request.method();
		Mono<?> done;
		try {
			if (path.length == 3) {
				done = (method == HttpMethod.PUT) ? this.bans.banUser(uid, time(query, "until", null))
						: (method == HttpMethod.DELETE) ? this.bans.unbanUser(uid) : (method == HttpMethod.GET)
								? this.bans.state(uid).flatMap((state) -> state(response, state)) : null;
			}
			else if (path.length == 4) {
				done = (method == HttpMethod.PUT) ? this.bans.revokeTokensIssuedBefore(uid, issuedBefore(query))
						: (method == HttpMethod.DELETE) ? this.bans.restoreTokensIssuedBefore(uid) : null;
			}
			else {
				String tokenId = ApiTargets.decode(path[4]);
				done = (method == HttpMethod.PUT) ? this.bans.revokeToken(uid, tokenId, required(query, "until"))
						: (method == HttpMethod.DELETE) ? this.bans.restoreToken(uid, tokenId) : null;
			}
		}
		catch (IllegalArgumentException ex) {
			return ApiResponses.error(response, 400, ex.getMessage());
		}
		if (done == null) {
			return ApiResponses.error(
					response.header(HttpHeaderNames.ALLOW, (path.length == 3) ? "GET, PUT, DELETE" : "PUT, DELETE"),
					405, "method not allowed");
		}
		if (method == HttpMethod.GET) {
			return done.then().onErrorResume((ex) -> failed(response, ex));
		}
		return done.then(Mono.defer(() -> response.status(204).send())).onErrorResume((ex) -> failed(response, ex));
	}

	private static Mono<Void> state(HttpServerResponse response, BanState state) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("banned", state.banned());
		body.put("bannedUntil", (state.bannedUntil() != null) ? String.valueOf(state.bannedUntil()) : null);
		body.put("revokedBefore", (state.revokedBefore() != null) ? String.valueOf(state.revokedBefore()) : null);
		return ApiResponses.send(response, 200, ApiResponses.MAPPER.writeValueAsString(body));
	}

	private static Mono<Void> failed(HttpServerResponse response, Throwable ex) {
		if (ex instanceof PushRejectedException || ex instanceof IllegalArgumentException) {
			return ApiResponses.error(response, 400, ex.getMessage());
		}
		if (ex instanceof ClusterBusException) {
			return ApiResponses.error(response, 503,
					"recorded, and applied on this node only; the cluster bus refused the disconnect");
		}
		// a Redis error or timeout
		return ApiResponses.error(response, 503, "the ban store failed; retry");
	}

	private static Instant issuedBefore(QueryStringDecoder query) {
		Instant time = time(query, "issued-before", null);
		return (time != null) ? time : Instant.now();
	}

	private static Instant required(QueryStringDecoder query, String name) {
		Instant time = time(query, name, null);
		if (time == null) {
			throw new IllegalArgumentException(
					"query parameter '" + name + "' is required: an ISO-8601 instant such as 2030-01-01T00:00:00Z");
		}
		return time;
	}

	private static @Nullable Instant time(QueryStringDecoder query, String name, @Nullable Instant fallback) {
		String value = RequestTargets.parameter(query, name);
		if (value == null) {
			return fallback;
		}
		try {
			return Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(
					"query parameter '" + name + "' must be an ISO-8601 instant such as 2030-01-01T00:00:00Z");
		}
	}

}
