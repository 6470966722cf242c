package io.pushgateway.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.pushgateway.core.Payload;
import io.pushgateway.id.SnowflakeIdGenerator;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The client's Socket.IO packets, for {@link SocketIoFrameCodec}: an {@code EVENT} is a
 * message (or a join or a leave of a GUID), an {@code ACK} acknowledges a push. A packet
 * comes without the Engine.IO prefix; a binary packet's attachment, which the transport
 * collected, follows it after a zero character, in base64, and is the event's payload
 * when it is the only argument. The arguments are copied verbatim, never decoded.
 *
 * @author Push Gateway team
 */
final class SocketIoPacketDecoder {

	private static final JsonFactory FACTORY = JsonFactory.builder().build();

	private SocketIoPacketDecoder() {
	}

	/**
	 * Decode a client packet.
	 * @param frame the packet, then its attachments
	 * @return the frame
	 * @throws MalformedFrameException when the packet is not one the gateway takes
	 */
	static ClientFrame decode(byte[] frame) {
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
		String id = (ackId != null) ? ackId : SocketIoFrameCodec.NO_ACK;
		if (event.equals(SocketIoFrameCodec.JOIN_EVENT) || event.equals(SocketIoFrameCodec.LEAVE_EVENT)) {
			String guid = (arguments.size() >= 1) ? string(json, arguments.get(0)) : null;
			if (guid == null || guid.isEmpty() || guid.length() > 256) {
				throw new MalformedFrameException(event + " takes a GUID of 1 to 256 characters");
			}
			if (event.equals(SocketIoFrameCodec.LEAVE_EVENT)) {
				return new ClientFrame.Leave(id, guid);
			}
			String since = (arguments.size() >= 2) ? string(json, arguments.get(1)) : null;
			return new ClientFrame.Join(id, guid, (since != null && Frames.isPosition(since)) ? since : null);
		}
		if (event.equals(SocketIoFrameCodec.REFRESH_EVENT)) {
			String token = (arguments.size() >= 1) ? string(json, arguments.get(0)) : null;
			if (token == null || token.isEmpty() || token.length() > 8192) {
				throw new MalformedFrameException(event + " takes a token of 1 to 8192 characters");
			}
			return new ClientFrame.Refresh(id, token);
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

}
