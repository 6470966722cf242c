package io.pushgateway.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.id.SnowflakeIdGenerator;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.core.json.JsonFactory;

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
 * are copied verbatim, never decoded, as in {@link JsonFrameCodec}.
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

	/** The event that carries errors that answer no ack. */
	public static final String ERROR_EVENT = "gateway:error";

	/** Client frames without an ack ID get this one: replies to them are not sent. */
	public static final String NO_ACK = "~";

	private static final JsonFactory FACTORY = JsonFactory.builder().build();

	private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

	private static final byte[] NOTHING = new byte[0];

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
		Text out = new Text(32 + push.payload().bytes().length);
		boolean attachment = push.payload().format() == PayloadFormat.BINARY;
		out.raw(attachment ? "451-" : "42");
		if (push.ack()) {
			out.raw(Long.toString(SnowflakeIdGenerator.low53Bits(push.messageId())));
		}
		out.raw("[").string(push.event()).raw(",");
		out.argument(push.payload());
		if (this.offsets) {
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

	@Override
	public byte[] encode(ServerFrame frame) {
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
			return event(ERROR_EVENT, body.toByteArray());
		}
		if (frame instanceof ServerFrame.Dropped dropped) {
			return event("gateway:dropped", ascii(Long.toString(dropped.count())));
		}
		// welcome, pong, recovered, hb: Engine.IO and the transport's CONNECT stand for
		// them
		return NOTHING;
	}

	/**
	 * The event that tells a client why the gateway is closing its connection, before the
	 * transport ends it.
	 * @param code the close code
	 * @param reason the reason
	 * @return the packet
	 */
	public byte[] encodeClose(int code, String reason) {
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
		out.put(COMPOSITE).putInt(text.length).put(text).putInt(attachment.length).put(attachment);
		return out.array();
	}

	/**
	 * Take a composite apart.
	 * @param composite the bytes of an encoded frame that start with {@link #COMPOSITE}
	 * @return the packet's text first, then its attachments
	 */
	public static List<byte[]> parts(byte[] composite) {
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

	@Override
	public ClientFrame decode(byte[] frame) {
		String text = new String(frame, StandardCharsets.UTF_8);
		String[] segments = text.split("\u0000", -1);
		String packet = segments[0];
		if (packet.isEmpty()) {
			throw new MalformedFrameException("empty packet");
		}
		char type = packet.charAt(0);
		int i = 1;
		int attachments = 0;
		if (type == '5' || type == '6') {
			int dash = packet.indexOf('-', i);
			if (dash < 0) {
				throw new MalformedFrameException("binary packet without an attachment count");
			}
			attachments = parseCount(packet.substring(i, dash));
			if (attachments != segments.length - 1) {
				throw new MalformedFrameException("binary packet announces " + attachments + " attachments");
			}
			i = dash + 1;
		}
		if (i < packet.length() && packet.charAt(i) == '/') {
			int comma = packet.indexOf(',', i);
			String namespace = (comma < 0) ? packet.substring(i) : packet.substring(i, comma);
			if (!namespace.equals("/")) {
				throw new MalformedFrameException("namespace " + namespace + " is not served");
			}
			i = (comma < 0) ? packet.length() : comma + 1;
		}
		int idStart = i;
		while (i < packet.length() && Character.isDigit(packet.charAt(i)) && i - idStart < 16) {
			i++;
		}
		String id = (i > idStart) ? packet.substring(idStart, i) : null;
		byte[] json = packet.substring(i).getBytes(StandardCharsets.UTF_8);
		return switch (type) {
			case '2', '5' -> event(id, json, segments);
			case '3', '6' -> {
				if (id == null) {
					throw new MalformedFrameException("ack without an id");
				}
				yield new ClientFrame.Ack(
						Long.toString(SnowflakeIdGenerator.completeId(Long.parseLong(id), System.currentTimeMillis())));
			}
			default -> new ClientFrame.Unknown("socket.io packet " + type, id);
		};
	}

	private static ClientFrame event(@Nullable String ackId, byte[] json, String[] segments) {
		List<int[]> arguments = new ArrayList<>(2);
		String event;
		try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), json)) {
			if (parser.nextToken() != JsonToken.START_ARRAY || parser.nextToken() != JsonToken.VALUE_STRING) {
				throw new MalformedFrameException("an event is an array that starts with the event name");
			}
			event = parser.getString();
			for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
				if (token == null) {
					throw new MalformedFrameException("unterminated array");
				}
				int start = (int) parser.currentTokenLocation().getByteOffset();
				// a scalar's end is known once it is read in full
				parser.finishToken();
				parser.skipChildren();
				int end = (int) parser.currentLocation().getByteOffset();
				if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
					// the parser may already stand on the character after a number
					while (end > start && !isNumberChar(json[end - 1])) {
						end--;
					}
				}
				arguments.add(new int[] { start, end });
			}
			if (parser.nextToken() != null) {
				throw new MalformedFrameException("trailing bytes after the event");
			}
		}
		catch (JacksonException ex) {
			throw Frames.malformedJson(ex);
		}
		if (event.isEmpty() || event.length() > 128) {
			throw new MalformedFrameException("event name must have 1 to 128 characters");
		}
		String id = (ackId != null) ? ackId : NO_ACK;
		if (event.equals(JOIN_EVENT) || event.equals(LEAVE_EVENT)) {
			String guid = (arguments.size() >= 1) ? string(json, arguments.get(0)) : null;
			if (guid == null || guid.isEmpty() || guid.length() > 256) {
				throw new MalformedFrameException(event + " takes a GUID of 1 to 256 characters");
			}
			if (event.equals(LEAVE_EVENT)) {
				return new ClientFrame.Leave(id, guid);
			}
			String since = (arguments.size() >= 2) ? string(json, arguments.get(1)) : null;
			return new ClientFrame.Join(id, guid, (since != null && Frames.isPosition(since)) ? since : null);
		}
		return new ClientFrame.Message(id, event, null, payload(json, arguments, segments));
	}

	/*
	 * No argument is JSON null, one is that value verbatim, several are the array of them
	 * verbatim; an attachment is a binary payload, when it is the only argument.
	 */
	private static Payload payload(byte[] json, List<int[]> arguments, String[] segments) {
		if (segments.length > 1) {
			if (arguments.size() != 1 || segments.length != 2 || !isPlaceholder(new String(json, arguments.get(0)[0],
					arguments.get(0)[1] - arguments.get(0)[0], StandardCharsets.UTF_8))) {
				throw new MalformedFrameException("a binary attachment must be the event's only argument");
			}
			try {
				return Payload.binary(Base64.getDecoder().decode(segments[1]));
			}
			catch (IllegalArgumentException ex) {
				throw new MalformedFrameException("attachment is not base64", ex);
			}
		}
		if (arguments.isEmpty()) {
			return Payload.json("null");
		}
		if (arguments.size() == 1) {
			int[] only = arguments.get(0);
			return Payload.json(slice(json, only[0], only[1]));
		}
		ByteArrayOutputStream all = new ByteArrayOutputStream(json.length);
		all.write('[');
		all.write(json, arguments.get(0)[0], arguments.get(arguments.size() - 1)[1] - arguments.get(0)[0]);
		all.write(']');
		return Payload.json(all.toByteArray());
	}

	private static boolean isPlaceholder(String argument) {
		return argument.replace(" ", "")
			.matches("\\{\"_placeholder\":true,\"num\":0\\}|\\{\"num\":0,\"_placeholder\":true\\}");
	}

	private static @Nullable String string(byte[] json, int[] range) {
		String value = new String(json, range[0], range[1] - range[0], StandardCharsets.UTF_8);
		if (value.length() < 2 || value.charAt(0) != '"') {
			return null;
		}
		try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), value)) {
			parser.nextToken();
			return parser.getString();
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static byte[] slice(byte[] bytes, int start, int end) {
		byte[] slice = new byte[end - start];
		System.arraycopy(bytes, start, slice, 0, slice.length);
		return slice;
	}

	private static int parseCount(String digits) {
		try {
			int count = Integer.parseInt(digits);
			if (count < 0 || count > 1) {
				throw new MalformedFrameException("at most one binary attachment per event");
			}
			return count;
		}
		catch (NumberFormatException ex) {
			throw new MalformedFrameException("attachment count is not a number", ex);
		}
	}

	private static boolean isNumberChar(byte b) {
		return (b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E';
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
