package io.pushgateway.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.id.SnowflakeIdGenerator;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The server's Socket.IO packets, for {@link SocketIoFrameCodec}: a push is an
 * {@code EVENT} (a binary payload as an attachment), a reply, a join or a leave is the
 * {@code ACK} of the client's emit, an error is an {@code ACK} or a {@code gateway:error}
 * event. An encoded packet is the Engine.IO message packet's text ({@code 42[...]}); one
 * with a binary attachment is a composite the transport takes apart with {@link #parts}.
 *
 * @author Push Gateway team
 */
final class SocketIoPacketEncoder {

	private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

	private static final byte[] NOTHING = new byte[0];

	private SocketIoPacketEncoder() {
	}

	/**
	 * A push as an {@code EVENT}.
	 * @param push the push
	 * @param offsets whether the push's position follows the payload, for Socket.IO's
	 * connection state recovery
	 * @return the packet
	 */
	static byte[] push(Push push, boolean offsets) {
		Text out = new Text(32 + push.payload().bytes().length);
		boolean attachment = push.payload().format() == PayloadFormat.BINARY;
		out.raw(attachment ? "451-" : "42");
		if (push.ack()) {
			out.raw(Long.toString(SnowflakeIdGenerator.low53Bits(push.messageId())));
		}
		out.raw("[").string(push.event()).raw(",");
		out.argument(push.payload());
		if (offsets) {
			String position = (push.target() instanceof PushTarget.User) ? push.position() : null;
			out.raw(",");
			if (position != null) {
				out.string(position);
			}
			else {
				out.raw("null");
			}
		}
		out.raw("]");
		return attachment ? composite(out.toByteArray(), push.payload().bytes()) : out.toByteArray();
	}

	/**
	 * A control frame, or nothing for the frames Socket.IO has no place for.
	 * @param frame the frame
	 * @return the packet, or an empty array
	 */
	static byte[] frame(ServerFrame frame) {
		if (frame instanceof ServerFrame.Reply reply) {
			if (!isAckId(reply.id())) {
				return NOTHING;
			}
			boolean attachment = reply.payload().format() == PayloadFormat.BINARY;
			Text out = new Text(16 + reply.payload().bytes().length).raw(attachment ? "461-" : "43")
				.raw(reply.id())
				.raw("[")
				.argument(reply.payload())
				.raw("]");
			return attachment ? composite(out.toByteArray(), reply.payload().bytes()) : out.toByteArray();
		}
		if (frame instanceof ServerFrame.Joined joined) {
			return isAckId(joined.id()) ? ack(joined.id(), "{\"guid\":", joined.guid()) : NOTHING;
		}
		if (frame instanceof ServerFrame.Left left) {
			return isAckId(left.id()) ? ack(left.id(), "{\"guid\":", left.guid()) : NOTHING;
		}
		if (frame instanceof ServerFrame.Error error) {
			Text body = new Text(64).raw("{\"error\":{\"code\":")
				.raw(Integer.toString(error.code()))
				.raw(",\"message\":")
				.string(error.message())
				.raw("}}");
			String id = error.id();
			if (id != null && isAckId(id)) {
				return new Text(64).raw("43").raw(id).raw("[").bytes(body.toByteArray()).raw("]").toByteArray();
			}
			return event(SocketIoFrameCodec.ERROR_EVENT, body.toByteArray());
		}
		if (frame instanceof ServerFrame.Dropped dropped) {
			return event("gateway:dropped", ascii(Long.toString(dropped.count())));
		}
		if (frame instanceof ServerFrame.Refresh refresh) {
			return event(SocketIoFrameCodec.REFRESH_EVENT, ascii("{\"in\":" + refresh.millis() + "}"));
		}
		if (frame instanceof ServerFrame.Refreshed refreshed) {
			if (!isAckId(refreshed.id())) {
				return NOTHING;
			}
			Long expiresAt = refreshed.expiresAt();
			return new Text(32).raw("43")
				.raw(refreshed.id())
				.raw("[{\"exp\":")
				.raw((expiresAt != null) ? Long.toString(expiresAt) : "null")
				.raw("}]")
				.toByteArray();
		}
		// welcome, pong, recovered, hb: Engine.IO and the transport's CONNECT stand for
		// them
		return NOTHING;
	}

	/**
	 * The {@code gateway:close} event.
	 * @param code the close code
	 * @param reason the reason
	 * @return the packet
	 */
	static byte[] close(int code, String reason) {
		return event("gateway:close",
				new Text(64).raw("{\"code\":")
					.raw(Integer.toString(code))
					.raw(",\"reason\":")
					.string(reason)
					.raw("}")
					.toByteArray());
	}

	private static byte[] ack(String id, String prefix, String guid) {
		return new Text(32).raw("43").raw(id).raw("[").raw(prefix).string(guid).raw("}]").toByteArray();
	}

	private static byte[] event(String name, byte[] argument) {
		return new Text(32 + argument.length).raw("42[").string(name).raw(",").bytes(argument).raw("]").toByteArray();
	}

	/*
	 * A zero byte, the text's length, the text, then each attachment's length and bytes.
	 */
	private static byte[] composite(byte[] text, byte[] attachment) {
		ByteBuffer out = ByteBuffer.allocate(1 + 4 + text.length + 4 + attachment.length);
		out.put(SocketIoFrameCodec.COMPOSITE).putInt(text.length).put(text).putInt(attachment.length).put(attachment);
		return out.array();
	}

	/**
	 * Take a composite apart.
	 * @param composite the bytes of an encoded frame that start with
	 * {@link SocketIoFrameCodec#COMPOSITE}
	 * @return the packet's text first, then its attachments
	 */
	static List<byte[]> parts(byte[] composite) {
		ByteBuffer in = ByteBuffer.wrap(composite);
		in.get();
		List<byte[]> parts = new ArrayList<>(2);
		while (in.hasRemaining()) {
			byte[] part = new byte[in.getInt()];
			in.get(part);
			parts.add(part);
		}
		return parts;
	}

	private static boolean isAckId(String id) {
		if (id.isEmpty() || id.length() > 16) {
			return false;
		}
		for (int i = 0; i < id.length(); i++) {
			if (!Character.isDigit(id.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	private static byte[] ascii(String value) {
		return value.getBytes(StandardCharsets.US_ASCII);
	}

	/** The few writes a packet needs. */
	private static final class Text extends ByteArrayOutputStream {

		Text(int size) {
			super(size);
		}

		Text raw(String ascii) {
			writeBytes(ascii.getBytes(StandardCharsets.UTF_8));
			return this;
		}

		Text bytes(byte[] bytes) {
			writeBytes(bytes);
			return this;
		}

		Text string(String value) {
			write('"');
			writeBytes(ESCAPER.quoteAsUTF8(value));
			write('"');
			return this;
		}

		/*
		 * A payload as one argument: JSON verbatim, text as a string, binary as a
		 * placeholder.
		 */
		Text argument(Payload payload) {
			if (payload.format() == PayloadFormat.JSON) {
				return bytes(payload.bytes());
			}
			if (payload.format() == PayloadFormat.TEXT) {
				return string(payload.asString());
			}
			return raw("{\"_placeholder\":true,\"num\":0}");
		}

	}

}
