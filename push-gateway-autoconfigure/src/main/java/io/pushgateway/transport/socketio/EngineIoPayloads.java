package io.pushgateway.transport.socketio;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.pushgateway.codec.SocketIoFrameCodec;
import io.pushgateway.transport.SlowConsumerQueue;

/**
 * Engine.IO packets on its two carriages. A long-polling payload is the packets joined by
 * the record separator ({@code 0x1e}), a binary attachment as a packet of its own:
 * {@code b} and the bytes in base64. On a WebSocket each packet is a text frame, and each
 * attachment a binary frame after it. Packets with attachments arrive from the codec as
 * composites ({@link SocketIoFrameCodec#COMPOSITE}).
 *
 * @author Push Gateway team
 */
final class EngineIoPayloads {

	private static final byte RECORD_SEPARATOR = 0x1e;

	private static final byte NOOP = '6';

	private EngineIoPayloads() {
	}

	/**
	 * Everything queued as one long-polling payload; the packets are released.
	 * @param queue the session's queue
	 * @return the payload
	 */
	static byte[] join(SlowConsumerQueue queue) {
		ByteBuf payload = Unpooled.buffer((int) Math.min(Integer.MAX_VALUE, queue.bytes() + 16));
		try {
			boolean first = true;
			for (ByteBuf packet; (packet = queue.poll()) != null;) {
				if (!first) {
					payload.writeByte(RECORD_SEPARATOR);
				}
				first = false;
				if (isComposite(packet)) {
					List<byte[]> parts = SocketIoFrameCodec.parts(ByteBufUtil.getBytes(packet));
					payload.writeBytes(parts.get(0));
					for (int i = 1; i < parts.size(); i++) {
						payload.writeByte(RECORD_SEPARATOR).writeByte('b');
						payload.writeCharSequence(Base64.getEncoder().encodeToString(parts.get(i)),
								StandardCharsets.US_ASCII);
					}
				}
				else {
					payload.writeBytes(packet);
				}
				packet.release();
			}
			return ByteBufUtil.getBytes(payload);
		}
		finally {
			payload.release();
		}
	}

	/**
	 * A payload followed by a noop: the answer to a poll during an upgrade.
	 * @param queued the payload of what was queued, possibly empty
	 * @return the payload with the noop
	 */
	static byte[] withNoop(byte[] queued) {
		byte[] payload = new byte[queued.length + ((queued.length > 0) ? 2 : 1)];
		System.arraycopy(queued, 0, payload, 0, queued.length);
		if (queued.length > 0) {
			payload[queued.length] = RECORD_SEPARATOR;
		}
		payload[payload.length - 1] = NOOP;
		return payload;
	}

	/**
	 * Write a packet to a WebSocket, not flushed: one frame, its attachments in binary
	 * frames after it. Takes the buffer over.
	 * @param websocket the WebSocket's channel
	 * @param packet the packet, or a composite
	 */
	static void write(Channel websocket, ByteBuf packet) {
		if (isComposite(packet)) {
			List<byte[]> parts = SocketIoFrameCodec.parts(ByteBufUtil.getBytes(packet));
			packet.release();
			websocket.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(parts.get(0))), websocket.voidPromise());
			for (int i = 1; i < parts.size(); i++) {
				websocket.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(parts.get(i))),
						websocket.voidPromise());
			}
			return;
		}
		websocket.write(new TextWebSocketFrame(packet), websocket.voidPromise());
	}

	/**
	 * Split a long-polling request body into its packets.
	 * @param body the body
	 * @return the packets, in order
	 */
	static List<String> packets(byte[] body) {
		List<String> packets = new ArrayList<>();
		int start = 0;
		for (int i = 0; i <= body.length; i++) {
			if (i == body.length || body[i] == RECORD_SEPARATOR) {
				packets.add(new String(body, start, i - start, StandardCharsets.UTF_8));
				start = i + 1;
			}
		}
		return packets;
	}

	private static boolean isComposite(ByteBuf packet) {
		return packet.isReadable() && packet.getByte(packet.readerIndex()) == SocketIoFrameCodec.COMPOSITE;
	}

}
