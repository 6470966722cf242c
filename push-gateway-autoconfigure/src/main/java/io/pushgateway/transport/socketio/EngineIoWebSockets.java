package io.pushgateway.transport.socketio;

import java.util.function.Function;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;

/**
 * Engine.IO's WebSockets: a session on a WebSocket from the start, or the upgrade of a
 * long-polling session (the probe, then the upgrade packet), and the frames the client
 * sends on either: text frames are packets, binary frames attachments. A WebSocket cannot
 * be relayed: the upgrade must reach the node that holds the session.
 *
 * @author Push Gateway team
 */
final class EngineIoWebSockets {

	private static final Log logger = LogFactory.getLog(EngineIoWebSockets.class);

	private final SocketIoSettings settings;

	private final EngineIoSessions sessions;

	private final EngineIoInbound inbound;

	private final WebsocketServerSpec websocketSpec;

	EngineIoWebSockets(SocketIoSettings settings, EngineIoSessions sessions, EngineIoInbound inbound) {
		this.settings = settings;
		this.sessions = sessions;
		this.inbound = inbound;
		this.websocketSpec = WebsocketServerSpec.builder()
			.maxFramePayloadLength(settings.maxPayload())
			.handlePing(true)
			.build();
	}

	/**
	 * Open a session on a WebSocket.
	 * @param response the response to upgrade
	 * @param start starts a session on the WebSocket's channel
	 * @return the completion of the WebSocket
	 */
	Publisher<Void> open(HttpServerResponse response, Function<Channel, EngineIoSession> start) {
		return response.sendWebsocket((in, out) -> {
			Channel[] channel = new Channel[1];
			in.withConnection((connection) -> channel[0] = connection.channel());
			EngineIoSession session = start.apply(channel[0]);
			channel[0].eventLoop().execute(() -> {
				session.useWebSocket(channel[0]);
				channel[0].writeAndFlush(new TextWebSocketFrame(this.sessions.openPacket(session, true)));
			});
			return receiveFrames(in, session, channel[0]);
		}, this.websocketSpec);
	}

	/**
	 * Offer a WebSocket to upgrade a long-polling session.
	 * @param response the response to upgrade
	 * @param session the session, which this node holds
	 * @return the completion of the WebSocket
	 */
	Publisher<Void> upgrade(HttpServerResponse response, EngineIoSession session) {
		if (!session.isOpen()) {
			return EngineIoErrors.send(response, 400, EngineIoErrors.UNKNOWN_SID);
		}
		return response.sendWebsocket((in, out) -> {
			Channel[] channel = new Channel[1];
			in.withConnection((connection) -> channel[0] = connection.channel());
			// one upgrade at a time per session, closed with the session or when it does
			// not carry it within the upgrade timeout: a session (counted once against
			// the per-address limits) cannot gather WebSockets
			session.eventLoop().execute(() -> {
				if (!session.offerUpgrade(channel[0])) {
					channel[0].close();
				}
			});
			return receiveFrames(in, session, channel[0]);
		}, this.websocketSpec);
	}

	private Mono<Void> receiveFrames(WebsocketInbound in, EngineIoSession session, Channel channel) {
		return in.aggregateFrames(this.settings.maxPayload())
			.receiveFrames()
			.doOnNext((frame) -> onFrame(session, channel, frame))
			.onErrorResume((error) -> {
				if (logger.isDebugEnabled()) {
					logger.debug("Engine.IO WebSocket of socket " + session.socketId() + " ended: " + error);
				}
				return Mono.empty();
			})
			.then()
			.doFinally((signal) -> session.eventLoop().execute(() -> {
				if (session.websocket() == channel) {
					// the session's carriage is gone: so is the client
					this.inbound.closedByClient(session);
				}
			}));
	}

	private void onFrame(EngineIoSession session, Channel channel, WebSocketFrame frame) {
		if (frame instanceof TextWebSocketFrame text) {
			String packet = text.text();
			session.eventLoop().execute(() -> {
				if (packet.equals("2probe")) {
					session.probe(channel);
				}
				else if (packet.equals("5")) {
					session.upgrade(channel);
				}
				else if (session.websocket() == channel) {
					this.inbound.onPacket(session, packet);
				}
			});
		}
		else if (frame instanceof BinaryWebSocketFrame binary) {
			byte[] bytes = ByteBufUtil.getBytes(binary.content());
			session.eventLoop().execute(() -> {
				if (session.websocket() == channel) {
					this.inbound.onAttachment(session, bytes);
				}
			});
		}
	}

}
