package io.pushgateway.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.hub.PreFraming;

/**
 * A WebSocket's whole frame around an encoded frame, built once for all the WebSocket
 * connections of a codec because a server's frames are not masked: the fan-out builds a
 * push's this way, and the pong is kept this way per codec. It is written past Netty's
 * frame encoder, which would otherwise copy a small payload into a new buffer with its
 * header for every connection (RFC 6455, section 5.2: FIN, the opcode, the payload length
 * in 7, 16 or 64 bits; a server does not mask).
 *
 * @author Push Gateway team
 */
final class WebSocketFraming implements PreFraming {

	static final WebSocketFraming INSTANCE = new WebSocketFraming();

	private WebSocketFraming() {
	}

	@Override
	public ByteBuf frame(ByteBufAllocator allocator, FrameCodec codec, byte[] encoded) {
		return frame(allocator, codec.binary(), encoded);
	}

	/**
	 * A whole, final, unmasked WebSocket frame.
	 * @param allocator allocates the frame
	 * @param binary a binary frame rather than a text frame
	 * @param payload the payload
	 * @return the frame, which the caller releases
	 */
	static ByteBuf frame(ByteBufAllocator allocator, boolean binary, byte[] payload) {
		int length = payload.length;
		int header = (length < 126) ? 2 : (length <= 0xFFFF) ? 4 : 10;
		ByteBuf frame = allocator.directBuffer(header + length);
		frame.writeByte(0x80 | (binary ? 0x2 : 0x1));
		if (length < 126) {
			frame.writeByte(length);
		}
		else if (length <= 0xFFFF) {
			frame.writeByte(126);
			frame.writeShort(length);
		}
		else {
			frame.writeByte(127);
			frame.writeLong(length);
		}
		return frame.writeBytes(payload);
	}

	@Override
	public String toString() {
		return "WebSocketFraming";
	}

}
