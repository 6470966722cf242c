package io.pushgateway.transport.socketio;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import io.pushgateway.transport.RequestBodies;
import io.pushgateway.transport.polling.Batch;
import io.pushgateway.transport.polling.PollingHandle;
import io.pushgateway.transport.polling.PollingRelay;
import io.pushgateway.transport.polling.RelayTarget;
import io.pushgateway.transport.polling.RelayedPolling;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Engine.IO's long-polling requests: the open packet, polls ({@code GET}) and posts
 * ({@code POST}) of packets. A poll or a post for a session of another node is relayed to
 * that node over the cluster bus ({@link PollingRelay}), which hands it here as a
 * {@link RelayTarget}, so long-polling needs no sticky sessions.
 *
 * @author Push Gateway team
 */
final class EngineIoPolling {

	private final SocketIoSettings settings;

	private final EngineIoInbound inbound;

	private final PollingRelay relay;

	/**
	 * The long-polling requests of a node.
	 * @param channel the relay channel
	 * @param settings the endpoint's settings
	 * @param sessions the node's sessions
	 * @param inbound where the packets of posts go
	 * @param bus the cluster bus, for the relay
	 * @param ids the ID generator, for the relay
	 * @param nodeId this node's ID
	 */
	EngineIoPolling(String channel, SocketIoSettings settings, EngineIoSessions sessions, EngineIoInbound inbound,
			ClusterBus bus, SnowflakeIdGenerator ids, String nodeId) {
		this.settings = settings;
		this.inbound = inbound;
		this.relay = new PollingRelay(channel, settings.relayTimeout(), settings.maxRelayedPolls(), bus, ids, nodeId,
				settings.pingInterval().toMillis(), (handle) -> {
					EngineIoSession session = sessions.find(handle);
					return (session != null) ? target(session) : null;
				});
	}

	/**
	 * Answer the request that opened a long-polling session.
	 * @param response the response
	 * @param openPacket the session's open packet
	 * @return the completion of the response
	 */
	Publisher<Void> open(HttpServerResponse response, String openPacket) {
		return response.status(200)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8")
			.header(HttpHeaderNames.CACHE_CONTROL, "no-store")
			.sendString(Mono.just(openPacket))
			.then();
	}

	/**
	 * A poll: answered by the session, or relayed to the node that holds it.
	 * @param response the response
	 * @param handle the session's handle
	 * @param session the session, when this node holds it
	 * @return the completion of the response
	 */
	Publisher<Void> poll(HttpServerResponse response, PollingHandle handle, @Nullable EngineIoSession session) {
		Mono<Batch> answer = (session != null) ? Mono.create((sink) -> session.poll(sink::success))
				: this.relay.poll(handle, 0);
		return answer.flatMap((batch) -> respond(response, batch));
	}

	/**
	 * A post of packets: read up to the payload bound, then handed to the session, or
	 * relayed to the node that holds it.
	 * @param request the request
	 * @param response the response
	 * @param handle the session's handle
	 * @param session the session, when this node holds it
	 * @return the completion of the response
	 */
	Publisher<Void> post(HttpServerRequest request, HttpServerResponse response, PollingHandle handle,
			@Nullable EngineIoSession session) {
		long length = request.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
		if (length > this.settings.maxPayload()) {
			// refused unread: the connection closes after it, or the rest of the body
			// would be read as the next request
			return EngineIoErrors.send(response.keepAlive(false), 413, EngineIoErrors.BAD_REQUEST);
		}
		// a chunked body (no Content-Length) is counted as it arrives, never aggregated
		// past the bound
		return RequestBodies.read(request, this.settings.maxPayload()).flatMap((body) -> {
			if (session != null) {
				session.eventLoop().execute(() -> this.inbound.receive(session, body));
				return ok(response);
			}
			return this.relay.forward(handle, RelayedPolling.Op.SEND, body)
				.then(Mono.defer(() -> ok(response)))
				.onErrorResume((ex) -> EngineIoErrors.send(response, 503, EngineIoErrors.NODE_UNREACHABLE));
		})
			.onErrorResume(RequestBodies.BodyTooLargeException.class,
					(ex) -> EngineIoErrors.send(response.keepAlive(false), 413, EngineIoErrors.BAD_REQUEST));
	}

	/**
	 * A relayed request from another node.
	 * @param relay the relayed request
	 */
	void onRelay(ClusterMessage.Relay relay) {
		this.relay.onRelay(relay);
	}

	/* A session of this node, as the relay acts on it. */
	private RelayTarget target(EngineIoSession session) {
		return new RelayTarget() {

			@Override
			public void poll(long ack, Consumer<Batch> answer) {
				session.poll(answer);
			}

			@Override
			public void send(byte[] body) {
				session.eventLoop().execute(() -> EngineIoPolling.this.inbound.receive(session, body));
			}

			@Override
			public void close() {
				EngineIoPolling.this.inbound.closedByClient(session);
			}

		};
	}

	private static Mono<Void> respond(HttpServerResponse response, Batch batch) {
		if (batch.status() != 200) {
			return EngineIoErrors.send(response, batch.status(),
					new String(batch.body(), StandardCharsets.UTF_8).trim());
		}
		return response.status(200)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8")
			.header(HttpHeaderNames.CACHE_CONTROL, "no-store")
			.sendObject(Mono.just(Unpooled.wrappedBuffer(batch.body())))
			.then();
	}

	private static Mono<Void> ok(HttpServerResponse response) {
		return response.status(200)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/html")
			.sendString(Mono.just("ok"))
			.then();
	}

}
