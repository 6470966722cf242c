package io.pushgateway.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * What each server under test expects of a {@link LoadWorker}'s client beyond receiving
 * timed messages, one implementation per {@code --target}: the gateway's protocol
 * ({@code push.v1.json}, with a JWT per user and {@code ping} frames at the announced
 * interval, acknowledging pushes that ask for it), the gateway's Server-Sent Events
 * stream, Engine.IO 4 / Socket.IO 5 over a WebSocket (the Socket.IO peer, and the
 * gateway's Socket.IO endpoint with the token in the namespace connect: open, connect to
 * the default namespace, answer pings, read {@code 42[event, data]} packets) and plain
 * text frames (the raw Netty peer). One instance serves all of a worker's connections; a
 * connection's own state is in its {@link ClientHandler}.
 *
 * @author Push Gateway team
 */
abstract class ClientProtocol {

	static ClientProtocol of(String target) {
		return switch (target) {
			case "gateway" -> new Gateway();
			case "gateway-sse" -> new ServerSentEvents();
			case "socketio" -> new SocketIo(false);
			case "gateway-socketio" -> new SocketIo(true);
			case "netty" -> new Plain(true);
			// Server.start knows no other target; such a connection is never counted
			// ready
			default -> new Plain(false);
		};
	}

	/* Where a connection goes; {@code token} is the user's JWT where it is signed. */
	abstract URI uri(int port, String token);

	/* Whether each connection requests a JWT (signed before the ramp). */
	boolean signsTokens() {
		return false;
	}

	/* A GET of an event stream instead of a WebSocket handshake. */
	boolean serverSentEvents() {
		return false;
	}

	/* The WebSocket subprotocol the handshake asks for, or null. */
	String subprotocol() {
		return null;
	}

	/* Whether a connection is ready once its WebSocket handshake completed. */
	boolean readyOnHandshake() {
		return false;
	}

	/* A message with a send timestamp arrived (and was recorded). */
	void timed(Channel channel, ByteBuf content) {
	}

	/* Any other message: the protocol's own. */
	void control(ClientHandler client, Channel channel, ByteBuf content) {
	}

	/**
	 * The gateway's WebSocket protocol.
	 */
	private static final class Gateway extends ClientProtocol {

		/** A push that asks for an acknowledgement carries this. */
		private static final ByteBuf ACK_ASKED = Unpooled
			.unreleasableBuffer(Unpooled.copiedBuffer("\"a\":1", StandardCharsets.US_ASCII));

		private static final ByteBuf ID_FIELD = Unpooled
			.unreleasableBuffer(Unpooled.copiedBuffer("\"id\":\"", StandardCharsets.US_ASCII));

		@Override
		URI uri(int port, String token) {
			return URI.create("ws://127.0.0.1:" + port + "/ws?access_token=" + token);
		}

		@Override
		boolean signsTokens() {
			return true;
		}

		@Override
		String subprotocol() {
			return "push.v1.json";
		}

		/*
		 * A push that asks for it ("a":1) is acknowledged at once, as the JavaScript
		 * client does.
		 */
		@Override
		void timed(Channel channel, ByteBuf content) {
			// searched in the bytes: every push of every scenario comes through here, and
			// only the acks scenario's ask for an acknowledgement
			if (ByteBufUtil.indexOf(ACK_ASKED, content) < 0) {
				return;
			}
			int idAt = ByteBufUtil.indexOf(ID_FIELD, content);
			int start = idAt + ID_FIELD.readableBytes();
			int end = (idAt < 0) ? -1 : content.indexOf(start, content.writerIndex(), (byte) '"');
			if (end > start) {
				channel.writeAndFlush(new TextWebSocketFrame("{\"t\":\"ack\",\"id\":\""
						+ content.toString(start, end - start, StandardCharsets.US_ASCII) + "\"}"));
			}
		}

		@Override
		void control(ClientHandler client, Channel channel, ByteBuf content) {
			String text = content.toString(StandardCharsets.UTF_8);
			if (text.contains("\"t\":\"welcome\"")) {
				client.ready();
				client.pings(schedulePings(channel, heartbeat(text)));
			}
			else if (text.contains("\"t\":\"hb\"")) {
				// the server changed this connection's interval (dynamic heartbeat)
				client.cancelPings();
				client.pings(schedulePings(channel, heartbeat(text)));
			}
		}

		private static ScheduledFuture<?> schedulePings(Channel channel, long interval) {
			// spread the pings over the interval, as independent clients would be
			long firstPing = ThreadLocalRandom.current().nextLong(interval);
			return channel.eventLoop()
				.scheduleAtFixedRate(() -> channel.writeAndFlush(new TextWebSocketFrame("{\"t\":\"ping\"}")), firstPing,
						interval, TimeUnit.MILLISECONDS);
		}

		private static long heartbeat(String welcome) {
			int at = welcome.indexOf("\"hb\":");
			if (at < 0) {
				return 25_000;
			}
			int end = at + 5;
			while (end < welcome.length() && Character.isDigit(welcome.charAt(end))) {
				end++;
			}
			return Long.parseLong(welcome.substring(at + 5, end));
		}

	}

	/**
	 * The gateway's Server-Sent Events stream: ready at the welcome event; the server's
	 * comments keep the stream alive, so there is nothing to send.
	 */
	private static final class ServerSentEvents extends ClientProtocol {

		@Override
		URI uri(int port, String token) {
			return URI.create("http://127.0.0.1:" + port + "/ws/sse?events=unnamed&access_token=" + token);
		}

		@Override
		boolean signsTokens() {
			return true;
		}

		@Override
		boolean serverSentEvents() {
			return true;
		}

		@Override
		void control(ClientHandler client, Channel channel, ByteBuf content) {
			if (content.toString(StandardCharsets.UTF_8).contains("\"t\":\"welcome\"")) {
				client.ready();
			}
		}

	}

	/**
	 * Engine.IO 4 / Socket.IO 5 over a WebSocket: the Socket.IO peer, or the gateway's
	 * Socket.IO endpoint, which takes the token in the namespace connect
	 * (socket.io-client's auth option).
	 */
	private static final class SocketIo extends ClientProtocol {

		private final boolean gateway;

		SocketIo(boolean gateway) {
			this.gateway = gateway;
		}

		@Override
		URI uri(int port, String token) {
			return URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket");
		}

		@Override
		boolean signsTokens() {
			return this.gateway;
		}

		@Override
		void control(ClientHandler client, Channel channel, ByteBuf content) {
			byte type = (content.readableBytes() > 0) ? content.getByte(content.readerIndex()) : 0;
			if (type == '0' && content.readableBytes() > 1 && content.getByte(content.readerIndex() + 1) == '{') {
				// Engine.IO open: connect to the default namespace, with the token on the
				// gateway
				channel.writeAndFlush(
						new TextWebSocketFrame(this.gateway ? "40{\"token\":\"" + client.token() + "\"}" : "40"));
			}
			else if (type == '4' && content.readableBytes() > 1 && content.getByte(content.readerIndex() + 1) == '0') {
				client.ready();
			}
			else if (type == '2') {
				channel.writeAndFlush(new TextWebSocketFrame("3"));
			}
		}

	}

	/**
	 * Plain text frames, the raw Netty peer's: ready once the handshake completed,
	 * nothing to answer.
	 */
	private static final class Plain extends ClientProtocol {

		private final boolean readyOnHandshake;

		Plain(boolean readyOnHandshake) {
			this.readyOnHandshake = readyOnHandshake;
		}

		@Override
		URI uri(int port, String token) {
			return URI.create("ws://127.0.0.1:" + port + "/ws");
		}

		@Override
		boolean readyOnHandshake() {
			return this.readyOnHandshake;
		}

	}

}
