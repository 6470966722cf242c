package io.pushgateway.test;

import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import tools.jackson.databind.json.JsonMapper;

/**
 * The frames of both protocols as {@link PushTestClient} writes and reads them: the
 * client's frames as a JSON text or a MessagePack map of strings, with the payload as
 * JSON ({@code d}, or {@code j} as a JSON string in MessagePack); the gateway's frames
 * decoded into {@link PushTestClient.Frame}s, their payloads into Java values.
 *
 * @author Push Gateway team
 */
final class TestFrameCodec {

	private static final JsonMapper JSON = new JsonMapper();

	private TestFrameCodec() {
	}

	/**
	 * A frame of the client's in the JSON protocol.
	 * @param frame the fields, the payload (if any) under {@code payload}; the map is
	 * changed
	 * @return the text
	 */
	static String encodeJson(Map<String, Object> frame) {
		boolean hasPayload = frame.containsKey("payload");
		Object payload = frame.remove("payload");
		if (hasPayload) {
			frame.put("d", payload);
		}
		return JSON.writeValueAsString(frame);
	}

	/**
	 * A frame of the client's in the MessagePack protocol.
	 * @param frame the fields, the payload (if any) under {@code payload}; the map is
	 * changed
	 * @return the bytes
	 */
	static byte[] encodeMessagePack(Map<String, Object> frame) {
		boolean hasPayload = frame.containsKey("payload");
		Object payload = frame.remove("payload");
		if (hasPayload) {
			frame.put("j", JSON.writeValueAsString(payload));
		}
		try (MessageBufferPacker out = MessagePack.newDefaultBufferPacker()) {
			out.packMapHeader(frame.size());
			for (Map.Entry<String, Object> entry : frame.entrySet()) {
				out.packString(entry.getKey());
				out.packString(String.valueOf(entry.getValue()));
			}
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A frame of the gateway's in the JSON protocol.
	 * @param text the frame's text
	 * @return the frame
	 */
	static PushTestClient.Frame decodeJson(String text) {
		@SuppressWarnings("unchecked")
		Map<String, Object> fields = JSON.readValue(text, Map.class);
		Object payload = fields.containsKey("b") ? Base64.getDecoder().decode((String) fields.get("b"))
				: fields.get("d");
		return new PushTestClient.Frame(fields, payload);
	}

	/**
	 * A frame of the gateway's in the MessagePack protocol.
	 * @param bytes the frame's bytes
	 * @return the frame
	 * @throws AssertionError when the bytes are not a MessagePack frame
	 */
	static PushTestClient.Frame decodeMessagePack(byte[] bytes) {
		try (MessageUnpacker in = MessagePack.newDefaultUnpacker(bytes)) {
			Map<String, Object> fields = new LinkedHashMap<>();
			in.unpackValue()
				.asMapValue()
				.map()
				.forEach((key, value) -> fields.put(key.asStringValue().asString(), toJava(value)));
			Object payload = fields.containsKey("j") ? JSON.readValue((String) fields.get("j"), Object.class)
					: fields.get("d");
			return new PushTestClient.Frame(fields, payload);
		}
		catch (IOException ex) {
			throw new AssertionError("not a MessagePack frame", ex);
		}
	}

	private static @Nullable Object toJava(Value value) {
		return switch (value.getValueType()) {
			case STRING -> value.asStringValue().asString();
			case BINARY -> value.asBinaryValue().asByteArray();
			case INTEGER -> value.asIntegerValue().asLong();
			case BOOLEAN -> value.asBooleanValue().getBoolean();
			case ARRAY -> value.asArrayValue().list().stream().map(TestFrameCodec::toJava).toList();
			case NIL -> null;
			default -> value.toString();
		};
	}

}
