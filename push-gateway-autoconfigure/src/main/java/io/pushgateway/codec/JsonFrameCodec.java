package io.pushgateway.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.core.json.JsonFactory;

/**
 * Protocol version 1 in JSON text frames ({@value #SUBPROTOCOL}). JSON payloads are
 * embedded verbatim as the {@code d} value, text payloads as a JSON string in {@code d},
 * and binary payloads as base64 in {@code b}.
 *
 * <p>
 * Frames are composed by hand around Jackson's string escaping rather than through a
 * generator: Jackson's generators can only embed raw JSON given as a {@code String},
 * which would decode and re-encode every payload, while here the payload bytes are copied
 * as they are. Decoding uses Jackson's streaming parser and slices the {@code d} value
 * out of the frame so upstream payloads stay byte-identical.
 *
 * @author Push Gateway team
 */
public final class JsonFrameCodec implements FrameCodec {

	/** The subprotocol name. */
	public static final String SUBPROTOCOL = "push.v1.json";

	private static final JsonFactory FACTORY = JsonFactory.builder().build();

	private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

	private static final byte[] PONG = ascii("{\"t\":\"pong\"}");

	// the ping as the protocol documents it and the clients send it: matched before the
	// parser, so a heartbeat allocates no parser
	static final byte[] PING = ascii("{\"t\":\"ping\"}");

	@Override
	public String subprotocol() {
		return SUBPROTOCOL;
	}

	@Override
	public boolean binary() {
		return false;
	}

	@Override
	public byte[] encodePush(Push push) {
		Writer out = new Writer(64 + push.payload().bytes().length);
		out.raw("{\"t\":\"push\",\"id\":\"")
			.raw(Long.toString(push.messageId()))
			.raw("\",\"ev\":")
			.string(push.event());
		if (push.target() instanceof PushTarget.Guid guid) {
			out.raw(",\"g\":").string(guid.guid());
		}
		if (push.ack()) {
			out.raw(",\"a\":1");
		}
		if (push.position() != null) {
			out.raw(",\"p\":").string(push.position());
		}
		return out.payload(push.payload()).raw("}").toByteArray();
	}

	@Override
	public byte[] encode(ServerFrame frame) {
		if (frame instanceof ServerFrame.Pong) {
			return PONG;
		}
		Writer out = new Writer(128);
		if (frame instanceof ServerFrame.Welcome welcome) {
			out.raw("{\"t\":\"welcome\",\"v\":1,\"sid\":\"")
				.raw(Long.toString(welcome.socketId()))
				.raw("\",\"uid\":")
				.string(welcome.uid())
				.raw(",\"node\":")
				.string(welcome.node())
				.raw(",\"hb\":")
				.raw(Long.toString(welcome.heartbeatMillis()))
				.raw(",\"g\":[");
			boolean first = true;
			for (String guid : welcome.guids()) {
				if (!first) {
					out.raw(",");
				}
				out.string(guid);
				first = false;
			}
			out.raw("]");
			String session = welcome.session();
			if (session != null) {
				out.raw(",\"session\":").string(session);
			}
		}
		else if (frame instanceof ServerFrame.Reply reply) {
			out.raw("{\"t\":\"reply\",\"id\":").string(reply.id()).payload(reply.payload());
		}
		else if (frame instanceof ServerFrame.Joined joined) {
			out.raw("{\"t\":\"joined\",\"id\":").string(joined.id()).raw(",\"g\":").string(joined.guid());
		}
		else if (frame instanceof ServerFrame.Left left) {
			out.raw("{\"t\":\"left\",\"id\":").string(left.id()).raw(",\"g\":").string(left.guid());
		}
		else if (frame instanceof ServerFrame.Recovered recovered) {
			out.raw("{\"t\":\"recovered\"");
			if (recovered.guid() != null) {
				out.raw(",\"g\":").string(recovered.guid());
			}
			out.raw(",\"ok\":")
				.raw(Boolean.toString(recovered.ok()))
				.raw(",\"n\":")
				.raw(Integer.toString(recovered.count()));
			if (recovered.last() != null) {
				out.raw(",\"p\":").string(recovered.last());
			}
		}
		else if (frame instanceof ServerFrame.Heartbeat heartbeat) {
			out.raw("{\"t\":\"hb\",\"hb\":").raw(Long.toString(heartbeat.millis()));
		}
		else if (frame instanceof ServerFrame.Dropped dropped) {
			out.raw("{\"t\":\"dropped\",\"n\":").raw(Long.toString(dropped.count()));
		}
		else if (frame instanceof ServerFrame.Refresh refresh) {
			out.raw("{\"t\":\"refresh\",\"in\":").raw(Long.toString(refresh.millis()));
		}
		else if (frame instanceof ServerFrame.Refreshed refreshed) {
			out.raw("{\"t\":\"refreshed\",\"id\":").string(refreshed.id());
			Long expiresAt = refreshed.expiresAt();
			if (expiresAt != null) {
				out.raw(",\"exp\":").raw(Long.toString(expiresAt));
			}
		}
		else if (frame instanceof ServerFrame.Error error) {
			out.raw("{\"t\":\"error\"");
			if (error.id() != null) {
				out.raw(",\"id\":").string(error.id());
			}
			out.raw(",\"code\":").raw(Integer.toString(error.code())).raw(",\"msg\":").string(error.message());
		}
		return out.raw("}").toByteArray();
	}

	@Override
	public ClientFrame decode(byte[] frame) {
		if (Arrays.equals(frame, PING)) {
			return ClientFrame.Ping.INSTANCE;
		}
		String type = null;
		String id = null;
		String event = null;
		String guid = null;
		Payload payload = null;
		String since = null;
		String credential = null;
		try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), frame)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new MalformedFrameException("frame is not a JSON object");
			}
			String name;
			while ((name = parser.nextName()) != null) {
				JsonToken token = parser.nextToken();
				switch (name) {
					case "t" -> type = string(parser, token, name);
					case "id" -> id = string(parser, token, name);
					case "ev" -> event = string(parser, token, name);
					case "g" -> guid = string(parser, token, name);
					case "since" -> since = string(parser, token, name);
					case "token" -> credential = string(parser, token, name);
					case "d" -> payload = rawValue(parser, token, frame);
					case "b" -> payload = base64(string(parser, token, name));
					default -> parser.skipChildren();
				}
			}
			if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
				throw new MalformedFrameException("trailing content after the frame object");
			}
		}
		catch (JacksonException ex) {
			throw Frames.malformedJson(ex);
		}
		return Frames.clientFrame(type, id, event, guid, payload, since, credential);
	}

	private static String string(JsonParser parser, JsonToken token, String name) {
		if (token != JsonToken.VALUE_STRING) {
			throw new MalformedFrameException("field '" + name + "' must be a string");
		}
		return parser.getString();
	}

	private static Payload rawValue(JsonParser parser, JsonToken token, byte[] frame) {
		int start = (int) parser.currentTokenLocation().getByteOffset();
		// strings are parsed lazily: consume the token before asking where it ends
		parser.finishToken();
		parser.skipChildren();
		int end = (int) parser.currentLocation().getByteOffset();
		if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
			// the parser may already stand on the character after a number
			while (end > start && !isNumberChar(frame[end - 1])) {
				end--;
			}
		}
		return Payload.json(Arrays.copyOfRange(frame, start, end));
	}

	private static boolean isNumberChar(byte b) {
		return (b >= '0' && b <= '9') || b == '.' || b == 'e' || b == 'E' || b == '+' || b == '-';
	}

	private static Payload base64(String value) {
		try {
			return Payload.binary(Base64.getDecoder().decode(value));
		}
		catch (IllegalArgumentException ex) {
			throw new MalformedFrameException("field 'b' is not base64", ex);
		}
	}

	private static byte[] ascii(String value) {
		return value.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * A string as a quoted JSON string, UTF-8.
	 * @param value the string
	 * @return the JSON bytes, quotes included
	 */
	static byte[] quote(String value) {
		return new Writer(value.length() + 2).string(value).toByteArray();
	}

	/** A growable byte buffer with the few JSON writes frames need. */
	private static final class Writer extends ByteArrayOutputStream {

		Writer(int size) {
			super(size);
		}

		Writer raw(String ascii) {
			for (int i = 0; i < ascii.length(); i++) {
				write(ascii.charAt(i));
			}
			return this;
		}

		Writer string(@Nullable String value) {
			write('"');
			writeBytes(ESCAPER.quoteAsUTF8((value != null) ? value : ""));
			write('"');
			return this;
		}

		Writer payload(Payload payload) {
			if (payload.format() == PayloadFormat.JSON) {
				raw(",\"d\":");
				writeBytes(payload.bytes());
			}
			else if (payload.format() == PayloadFormat.TEXT) {
				raw(",\"d\":").string(payload.asString());
			}
			else {
				raw(",\"b\":\"").raw(Base64.getEncoder().encodeToString(payload.bytes())).raw("\"");
			}
			return this;
		}

	}

}
