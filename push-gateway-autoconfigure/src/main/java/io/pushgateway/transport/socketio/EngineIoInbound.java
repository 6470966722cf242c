package io.pushgateway.transport.socketio;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.pushgateway.hub.ClientFrameHandler;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;

/**
 * The client's packets, from either carriage, on the session's loop: Engine.IO's own
 * (close, pong, and a protocol 3 client's ping and noop) and its messages, whose
 * Socket.IO packets go, once complete with their attachment, to the
 * {@link SocketIoHandshake} until the session is connected and to the
 * {@link ClientFrameHandler} after, as any connection's frames.
 *
 * @author Push Gateway team
 */
final class EngineIoInbound {

	private final SocketIoSettings settings;

	private final ClientFrameHandler frameHandler;

	private final GatewayMetrics metrics;

	private final SocketIoHandshake handshake;

	EngineIoInbound(SocketIoSettings settings, ClientFrameHandler frameHandler, GatewayMetrics metrics,
			SocketIoHandshake handshake) {
		this.settings = settings;
		this.frameHandler = frameHandler;
		this.metrics = metrics;
		this.handshake = handshake;
	}

	/**
	 * A long-polling request body: packets separated by the record separator; on the
	 * session's loop.
	 * @param session the session
	 * @param body the body
	 */
	void receive(EngineIoSession session, byte[] body) {
		for (String packet : EngineIoPayloads.packets(body)) {
			if (!session.isOpen()) {
				return;
			}
			if (packet.startsWith("b")) {
				try {
					onAttachment(session, Base64.getDecoder().decode(packet.substring(1)));
				}
				catch (IllegalArgumentException ex) {
					session.malformed("attachment is not base64");
				}
			}
			else {
				onPacket(session, packet);
			}
		}
	}

	/**
	 * One Engine.IO packet from the client, on the session's loop.
	 * @param session the session
	 * @param packet the packet's text
	 */
	void onPacket(EngineIoSession session, String packet) {
		if (packet.isEmpty()) {
			return;
		}
		switch (packet.charAt(0)) {
			case '1' -> closedByClient(session);
			case '3' -> {
				PushConnection connection = session.connection();
				if (connection != null) {
					this.frameHandler.onHeartbeat(connection, packet.length());
				}
			}
			case '4' -> {
				SocketIoAttachments attachments = session.attachments();
				if (attachments.awaitingAttachment()) {
					session.malformed("a packet where an attachment was expected");
					return;
				}
				String socketIo = attachments.assemble(packet.substring(1));
				if (socketIo != null) {
					onSocketIoPacket(session, socketIo);
				}
			}
			case '2', '6' -> {
				// a ping from a client of protocol 3, a noop: nothing to answer, but they
				// count against the rate limits like any packet
				PushConnection connection = session.connection();
				if (connection != null) {
					this.frameHandler.onHeartbeat(connection, packet.length());
				}
			}
			default -> session.malformed("unknown Engine.IO packet type " + packet.charAt(0));
		}
	}

	/**
	 * A binary attachment from the client, on the session's loop.
	 * @param session the session
	 * @param attachment the bytes
	 */
	void onAttachment(EngineIoSession session, byte[] attachment) {
		String packet = session.attachments().attach(attachment);
		if (packet == null) {
			session.malformed("an attachment no binary packet announced");
			return;
		}
		onSocketIoPacket(session, packet);
	}

	private void onSocketIoPacket(EngineIoSession session, String packet) {
		PushConnection connection = session.connection();
		char type = packet.isEmpty() ? ' ' : packet.charAt(0);
		if (type == '0') {
			if (connection == null) {
				this.handshake.connect(session, packet.substring(1));
			}
			return;
		}
		if (type == '1') {
			closedByClient(session);
			return;
		}
		if (connection == null) {
			// Socket.IO: a session must CONNECT first
			session.malformed("the first packet must be CONNECT");
			return;
		}
		if (packet.length() > this.settings.maxPayload()) {
			this.metrics.closed(CloseReason.MESSAGE_TOO_BIG);
			connection.close(CloseCodes.MESSAGE_TOO_BIG, "packet larger than " + this.settings.maxPayload() + " bytes");
			return;
		}
		String resolved = session.ackIds().resolve(packet);
		if (resolved == null) {
			// an ack of no push awaiting one (answered already, or too old): nothing
			// waits for it, but it counts against the rate limits like any packet
			this.frameHandler.onHeartbeat(connection, packet.length());
			return;
		}
		this.frameHandler.onFrame(connection, resolved.getBytes(StandardCharsets.UTF_8), false);
	}

	/**
	 * The client closed the session, or its carriage went away.
	 * @param session the session
	 */
	void closedByClient(EngineIoSession session) {
		if (session.isOpen() && session.connection() != null) {
			this.metrics.closed(CloseReason.CLIENT);
		}
		session.closeByClient();
	}

}
