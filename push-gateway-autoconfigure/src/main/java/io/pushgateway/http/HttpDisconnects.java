package io.pushgateway.http;

import java.util.Arrays;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.pushgateway.core.DisconnectCodes;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.ClusterBusException;
import io.pushgateway.transport.RequestTargets;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST {base}/disconnect/{target}?code=&reason=}: closes the target's connections
 * on every node ({@link PushOperations#disconnect(PushTarget, int, String)}). The target
 * is named as a push's is; the code defaults to {@value DisconnectCodes#RECONNECT}, the
 * reason to {@value #DEFAULT_REASON}. A disconnect has no body: one that declares a body
 * is refused, unread.
 *
 * @author Push Gateway team
 */
final class HttpDisconnects {

	static final String DEFAULT_REASON = "disconnected by the server";

	private final PushOperations operations;

	HttpDisconnects(PushOperations operations) {
		this.operations = operations;
	}

	/**
	 * Answer a disconnect: {@code 204} once this node's connections are closed and the
	 * bus has the disconnect, {@code 400} for a bad target, code or reason or a body,
	 * {@code 404} for no target, {@code 503} when the bus refused it.
	 * @param request the request
	 * @param response the response
	 * @param path the path's segments after the base, {@code disconnect} first
	 * @param query the query
	 * @return the completion of the response
	 */
	Publisher<Void> disconnect(HttpServerRequest request, HttpServerResponse response, String[] path,
			QueryStringDecoder query) {
		Mono<Void> refused = ApiResponses.refuseBody(request, response, "a disconnect has no body");
		if (refused != null) {
			return refused;
		}
		PushTarget target;
		int code;
		try {
			target = (path.length > 1) ? ApiTargets.target(Arrays.copyOfRange(path, 1, path.length), query) : null;
			String codeValue = RequestTargets.parameter(query, "code");
			code = (codeValue != null) ? Integer.parseInt(codeValue) : DisconnectCodes.RECONNECT;
		}
		catch (NumberFormatException ex) {
			return ApiResponses.error(response, 400, "query parameter 'code' must be a close code such as 4006");
		}
		catch (IllegalArgumentException ex) {
			return ApiResponses.error(response, 400, ex.getMessage());
		}
		if (target == null) {
			return ApiResponses.error(response, 404, "no such endpoint");
		}
		String reasonValue = RequestTargets.parameter(query, "reason");
		String reason = (reasonValue != null) ? reasonValue : DEFAULT_REASON;
		return this.operations.disconnect(target, code, reason)
			.then(Mono.defer(() -> response.status(204).send()))
			.onErrorResume(PushRejectedException.class, (ex) -> ApiResponses.error(response, 400, ex.getMessage()))
			.onErrorResume(ClusterBusException.class, (ex) -> ApiResponses.error(response, 503,
					"disconnected on this node only; the cluster bus refused the disconnect"));
	}

}
