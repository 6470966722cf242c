package io.pushgateway.transport.polling;

import java.util.function.Function;
import java.util.function.Predicate;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.pushgateway.hub.ClientFrameHandler;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.transport.RequestTargets;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A client's frame posted over HTTP ({@code POST {path}/send?session=...}), on the
 * long-polling and Server-Sent Events transports alike: the session's handle in the
 * query, a {@code Content-Length} within the frame limit before a byte of the body is
 * read, then the frame handed to the session on its event loop, or relayed to the node
 * that holds it.
 *
 * @author Push Gateway team
 */
final class PostedFrames {

	private final int maxFrameSize;

	private final ClientFrameHandler frameHandler;

	private final PollingRelay relay;

	private final Predicate<PollingHandle> local;

	private final Function<PollingHandle, @Nullable PushConnection> sessions;

	/**
	 * Create the sends of one transport.
	 * @param maxFrameSize the largest frame a client may post
	 * @param frameHandler handles the frames of sessions held here
	 * @param relay relays the others to the node that holds them
	 * @param local whether a handle names a session this node holds
	 * @param sessions finds a session held here that still takes frames, or {@code null}
	 */
	PostedFrames(int maxFrameSize, ClientFrameHandler frameHandler, PollingRelay relay, Predicate<PollingHandle> local,
			Function<PollingHandle, @Nullable PushConnection> sessions) {
		this.maxFrameSize = maxFrameSize;
		this.frameHandler = frameHandler;
		this.relay = relay;
		this.local = local;
		this.sessions = sessions;
	}

	/**
	 * The session handle a request names in its query.
	 * @param request the request
	 * @return the handle, or {@code null} when missing or malformed
	 */
	static @Nullable PollingHandle handle(HttpServerRequest request) {
		return PollingHandle.parse(RequestTargets.parameter(new QueryStringDecoder(request.uri()), "session"));
	}

	/**
	 * Answer a send: {@code 400} without a valid handle, {@code 411} without a length,
	 * {@code 413} past the limit (the body left unread), {@code 404} for a session this
	 * node should hold but does not, {@code 204} once handed on.
	 * @param request the request
	 * @param response the response
	 * @return the completion of the response
	 */
	Publisher<Void> send(HttpServerRequest request, HttpServerResponse response) {
		PollingHandle handle = handle(request);
		if (handle == null) {
			return PollingResponses.text(response, 400, "query parameter 'session' is missing or malformed");
		}
		long length = request.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
		if (length < 0) {
			return PollingResponses.text(PollingResponses.unread(response), 411, "Content-Length required");
		}
		if (length > this.maxFrameSize) {
			return PollingResponses.text(PollingResponses.unread(response), 413,
					"frame larger than " + this.maxFrameSize + " bytes");
		}
		boolean local = this.local.test(handle);
		PushConnection session = local ? this.sessions.apply(handle) : null;
		if (local && session == null) {
			return PollingResponses.text(response, 404, "unknown session");
		}
		return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap((bytes) -> {
			if (session != null) {
				session.eventLoop().execute(() -> this.frameHandler.onFrame(session, bytes, session.codec().binary()));
				return response.status(204).send().then();
			}
			return this.relay.forward(handle, RelayedPolling.Op.SEND, bytes, response);
		});
	}

}
