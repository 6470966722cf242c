package io.pushgateway.codec;

import java.util.List;

import io.pushgateway.core.Push;

/**
 * The gateway's frames as Socket.IO (protocol 5) packets inside Engine.IO (protocol 4)
 * message packets, for {@code socket.io-client}: a push is an {@code EVENT} named after
 * the push's event with the payload as its argument (a binary payload as an attachment),
 * an acknowledged push asks for a Socket.IO ack, a reply is the {@code ACK} of the
 * client's emit. Frames Socket.IO has no place for (the welcome, pongs, the end of a
 * recovery) encode to nothing; the transport writes the {@code CONNECT} itself. See
 * {@code docs/socketio.md}.
 *
 * <p>
 * An encoded frame is the Engine.IO packet's text ({@code 42[...]}); a packet with binary
 * attachments is a composite the transport takes apart: a zero byte, the text's length
 * (four bytes), the text, then each attachment's length and bytes. Decoding reads a
 * Socket.IO packet without the Engine.IO prefix; attachments the transport collected
 * follow it, each after a zero character, in base64, so the text stays text.
 *
 * <p>
 * Written by hand: the packet format is a few characters around JSON, and the payloads
 * are copied verbatim, never decoded, as in {@link JsonFrameCodec}. The server's packets
 * are written by {@link SocketIoPacketEncoder}, the client's read by
 * {@link SocketIoPacketDecoder}.
 *
 * @author Push Gateway team
 */
public final class SocketIoFrameCodec implements FrameCodec {

	/**
	 * Pushes without the offset argument: for connections without connection state
	 * recovery.
	 */
	public static final SocketIoFrameCodec PLAIN = new SocketIoFrameCodec(false);

	/**
	 * Pushes with the offset argument Socket.IO's connection state recovery reads: the
	 * push's position in the user's stream, or {@code null}.
	 */
	public static final SocketIoFrameCodec WITH_OFFSETS = new SocketIoFrameCodec(true);

	/** The first byte of a composite: a packet with binary attachments. */
	public static final byte COMPOSITE = 0;

	/** The event a client emits to join a GUID (a room). */
	public static final String JOIN_EVENT = "join";

	/** The event a client emits to leave a GUID. */
	public static final String LEAVE_EVENT = "leave";

	/**
	 * The event the server emits to ask for a fresh token ({@code {"in":<ms>}}), and the
	 * one a client emits with it (the token, and an ack for the answer).
	 */
	public static final String REFRESH_EVENT = "gateway:refresh";

	/** The event that carries errors that answer no ack. */
	public static final String ERROR_EVENT = "gateway:error";

	/** Client frames without an ack ID get this one: replies to them are not sent. */
	public static final String NO_ACK = "~";

	private final boolean offsets;

	private SocketIoFrameCodec(boolean offsets) {
		this.offsets = offsets;
	}

	@Override
	public String subprotocol() {
		return this.offsets ? "socket.io+offsets" : "socket.io";
	}

	@Override
	public boolean binary() {
		return false;
	}

	@Override
	public byte[] encodePush(Push push) {
		return SocketIoPacketEncoder.push(push, this.offsets);
	}

	@Override
	public byte[] encode(ServerFrame frame) {
		return SocketIoPacketEncoder.frame(frame);
	}

	/**
	 * The event that tells a client why the gateway is closing its connection, before the
	 * transport ends it.
	 * @param code the close code
	 * @param reason the reason
	 * @return the packet
	 */
	public byte[] encodeClose(int code, String reason) {
		return SocketIoPacketEncoder.close(code, reason);
	}

	/**
	 * Take a composite apart.
	 * @param composite the bytes of an encoded frame that start with {@link #COMPOSITE}
	 * @return the packet's text first, then its attachments
	 */
	public static List<byte[]> parts(byte[] composite) {
		return SocketIoPacketEncoder.parts(composite);
	}

	@Override
	public ClientFrame decode(byte[] frame) {
		return SocketIoPacketDecoder.decode(frame);
	}

}
