package io.pushgateway.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Both codecs against the same envelopes.
 */
class FrameCodecTests {

	private final JsonFrameCodec json = new JsonFrameCodec();

	private final MessagePackFrameCodec msgpack = new MessagePackFrameCodec();

	private final JsonMapper mapper = new JsonMapper();

	@Test
	void jsonPushEmbedsJsonPayloadVerbatimAndEscapesNames() {
		byte[] frame = this.json
			.encodePush(new Push(42, PushTarget.guid("doc \"1\""), "ev\n", Payload.json("{\"a\":[1,2.50]}")));
		assertThat(new String(frame, StandardCharsets.UTF_8)).isEqualTo(
				"{\"t\":\"push\",\"id\":\"42\",\"ev\":\"ev\\n\",\"g\":\"doc \\\"1\\\"\",\"d\":{\"a\":[1,2.50]}}");
	}

	@Test
	void jsonPushCarriesTextAsStringAndBinaryAsBase64() {
		Map<?, ?> text = this.mapper.readValue(
				this.json.encodePush(new Push(1, PushTarget.all(), "e", Payload.text("ünïcode \u2028"))), Map.class);
		assertThat(text.get("d")).isEqualTo("ünïcode \u2028");
		Map<?, ?> binary = this.mapper.readValue(
				this.json.encodePush(new Push(1, PushTarget.all(), "e", Payload.binary(new byte[] { 0, -1 }))),
				Map.class);
		assertThat(binary.get("b")).isEqualTo("AP8=");
		assertThat(binary.containsKey("d")).isFalse();
	}

	@Test
	void jsonUpstreamPayloadIsSlicedByteForByte() {
		for (String value : List.of("{\"x\": [1, 2 ,3]}", "\"a \\\" b\"", "12.50e3", "-7", "true", "null", "[ ]")) {
			ClientFrame frame = this.json
				.decode(("{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"e\",\"d\":" + value + ",\"zz\":0}").getBytes());
			assertThat(((ClientFrame.Message) frame).payload().asString()).isEqualTo(value);
		}
		ClientFrame last = this.json.decode("{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"e\",\"d\":123}".getBytes());
		assertThat(((ClientFrame.Message) last).payload().asString()).isEqualTo("123");
	}

	@Test
	void refreshFramesAreWrittenAsDocumented() throws IOException {
		assertThat(new String(this.json.encode(new ServerFrame.Refresh(29000)), StandardCharsets.UTF_8))
			.isEqualTo("{\"t\":\"refresh\",\"in\":29000}");
		assertThat(
				new String(this.json.encode(new ServerFrame.Refreshed("r1", 1700000000000L)), StandardCharsets.UTF_8))
			.isEqualTo("{\"t\":\"refreshed\",\"id\":\"r1\",\"exp\":1700000000000}");
		assertThat(new String(this.json.encode(new ServerFrame.Refreshed("r2", null)), StandardCharsets.UTF_8))
			.isEqualTo("{\"t\":\"refreshed\",\"id\":\"r2\"}");
		try (MessageUnpacker in = MessagePack
			.newDefaultUnpacker(this.msgpack.encode(new ServerFrame.Refreshed("r1", 5L)))) {
			assertThat(in.unpackMapHeader()).isEqualTo(3);
		}
	}

	@Test
	void bothCodecsDecodeEveryClientFrameType() {
		for (FrameCodec codec : List.of(this.json, this.msgpack)) {
			assertThat(codec.decode(frame(codec, "t", "ping"))).isEqualTo(ClientFrame.Ping.INSTANCE);
			assertThat(codec.decode(frame(codec, "t", "ack", "id", "9"))).isEqualTo(new ClientFrame.Ack("9"));
			assertThat(codec.decode(frame(codec, "t", "join", "id", "1", "g", "doc")))
				.isEqualTo(new ClientFrame.Join("1", "doc"));
			assertThat(codec.decode(frame(codec, "t", "leave", "id", "2", "g", "doc")))
				.isEqualTo(new ClientFrame.Leave("2", "doc"));
			assertThat(codec.decode(frame(codec, "t", "future", "id", "3")))
				.isEqualTo(new ClientFrame.Unknown("future", "3"));
			assertThat(codec.decode(frame(codec, "t", "refresh", "id", "5", "token", "a.b.c")))
				.isEqualTo(new ClientFrame.Refresh("5", "a.b.c"));
			assertThatExceptionOfType(MalformedFrameException.class)
				.isThrownBy(() -> codec.decode(frame(codec, "t", "refresh", "id", "6")))
				.withMessageContaining("token");
			ClientFrame.Message message = (ClientFrame.Message) codec
				.decode(frame(codec, "t", "msg", "id", "4", "ev", "chat", "g", "doc", "d", "hi"));
			assertThat(message.event()).isEqualTo("chat");
			assertThat(message.guid()).isEqualTo("doc");
			assertThat(message.payload().asString()).isEqualTo((codec == this.json) ? "\"hi\"" : "hi");
		}
	}

	@Test
	void theClientsPingsMatchTheCodecsFastPathAndEveryOtherPingFormStillParses() throws IOException {
		// the canonical ping is what a client's own serializer writes for {t: "ping"}
		byte[] jsonPing = this.mapper.writeValueAsBytes(Map.of("t", "ping"));
		assertThat(jsonPing).isEqualTo(JsonFrameCodec.PING);
		assertThat(this.json.decode(jsonPing)).isEqualTo(ClientFrame.Ping.INSTANCE);
		for (String ping : List.of("{ \"t\" : \"ping\" }", "{\"t\":\"ping\",\"id\":\"1\"}",
				"{\"id\":\"1\",\"t\":\"ping\"}")) {
			assertThat(this.json.decode(ping.getBytes(StandardCharsets.UTF_8))).as(ping)
				.isEqualTo(ClientFrame.Ping.INSTANCE);
		}
		assertThat(this.json.decode("{\"t\":\"pinG\"}".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo(new ClientFrame.Unknown("pinG", null));
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.json.decode("{\"t\":\"ping\"}}".getBytes(StandardCharsets.UTF_8)));
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packMapHeader(2).packString("t").packString("ping").packString("id").packString("1");
			assertThat(this.msgpack.decode(packer.toByteArray())).isEqualTo(ClientFrame.Ping.INSTANCE);
		}
		assertThat(frame(this.msgpack, "t", "ping")).isEqualTo(MessagePackFrameCodec.PING);
		assertThat(this.msgpack.decode(frame(this.msgpack, "t", "ping"))).isEqualTo(ClientFrame.Ping.INSTANCE);
		// the pre-encoded pongs are what the codecs' encoders would write
		assertThat(this.mapper.readValue(this.json.encode(ServerFrame.Pong.INSTANCE), Map.class))
			.isEqualTo(Map.of("t", "pong"));
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packMapHeader(1).packString("t").packString("pong");
			assertThat(this.msgpack.encode(ServerFrame.Pong.INSTANCE)).isEqualTo(packer.toByteArray());
		}
	}

	@Test
	void bothCodecsRejectTheSameBadEnvelopes() {
		for (FrameCodec codec : List.of(this.json, this.msgpack)) {
			assertThatExceptionOfType(MalformedFrameException.class).isThrownBy(() -> codec.decode(frame(codec)));
			assertThatExceptionOfType(MalformedFrameException.class)
				.isThrownBy(() -> codec.decode(frame(codec, "t", "msg", "id", "1")));
			assertThatExceptionOfType(MalformedFrameException.class)
				.isThrownBy(() -> codec.decode(frame(codec, "t", "join", "id", "1")));
			assertThatExceptionOfType(MalformedFrameException.class)
				.isThrownBy(() -> codec.decode(frame(codec, "t", "ack", "id", "x".repeat(65))));
			assertThatExceptionOfType(MalformedFrameException.class)
				.isThrownBy(() -> codec.decode(frame(codec, "t", "msg", "id", "1", "ev", "e".repeat(129))));
			assertThatExceptionOfType(MalformedFrameException.class).isThrownBy(() -> codec.decode(new byte[0]));
		}
	}

	@Test
	void messagePackRefusesForgedLengthsBeforeAllocating() {
		// a map whose 't' claims a 2 GiB string
		byte[] forged = { (byte) 0x81, (byte) 0xa1, 't', (byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff };
		assertThatExceptionOfType(MalformedFrameException.class).isThrownBy(() -> this.msgpack.decode(forged))
			.withMessageContaining("exceeds the frame");
		byte[] truncated = frame(this.msgpack, "t", "msg", "id", "1", "ev", "e", "d", "payload");
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.msgpack.decode(Arrays.copyOf(truncated, truncated.length - 3)));
	}

	@Test
	void messagePackPushUsesStrBinAndJsonFields() throws IOException {
		Map<String, Value> text = unpack(
				this.msgpack.encodePush(new Push(5, PushTarget.user("u"), "e", Payload.text("t"))));
		assertThat(text.get("d").isStringValue()).isTrue();
		Map<String, Value> bin = unpack(
				this.msgpack.encodePush(new Push(5, PushTarget.user("u"), "e", Payload.binary(new byte[] { 1 }))));
		assertThat(bin.get("d").isBinaryValue()).isTrue();
		Map<String, Value> json = unpack(
				this.msgpack.encodePush(new Push(5, PushTarget.guid("g"), "e", Payload.json("[1]"))));
		assertThat(json.get("j").asStringValue().asString()).isEqualTo("[1]");
		assertThat(json.get("g").asStringValue().asString()).isEqualTo("g");
		assertThat(json.get("id").asStringValue().asString()).isEqualTo("5");
	}

	@Test
	void controlFramesRoundTripThroughBothCodecs() throws IOException {
		ServerFrame.Welcome welcome = new ServerFrame.Welcome(77, "u", "n", 25000, List.of("a", "b"));
		Map<?, ?> jsonWelcome = this.mapper.readValue(this.json.encode(welcome), Map.class);
		assertThat(jsonWelcome.get("sid")).isEqualTo("77");
		assertThat(jsonWelcome.get("g")).isEqualTo(List.of("a", "b"));
		Map<String, Value> packed = unpack(this.msgpack.encode(welcome));
		assertThat(packed.get("hb").asIntegerValue().asLong()).isEqualTo(25000);
		Map<String, Object> error = this.mapper.readValue(this.json.encode(new ServerFrame.Error(null, 4400, "nope")),
				Map.class);
		assertThat(error).containsEntry("code", 4400).doesNotContainKey("id");
		assertThat(
				unpack(this.msgpack.encode(new ServerFrame.Error("1", 4404, "x"))).get("code").asIntegerValue().asInt())
			.isEqualTo(4404);
		assertThat(this.mapper.readValue(this.json.encode(new ServerFrame.Dropped(12)), Map.class))
			.isEqualTo(Map.of("t", "dropped", "n", 12));
		Map<String, Value> dropped = unpack(this.msgpack.encode(new ServerFrame.Dropped(3)));
		assertThat(dropped.get("t").asStringValue().asString()).isEqualTo("dropped");
		assertThat(dropped.get("n").asIntegerValue().asLong()).isEqualTo(3);
	}

	private static Map<String, Value> unpack(byte[] bytes) throws IOException {
		Map<String, Value> map = new HashMap<>();
		MessagePack.newDefaultUnpacker(bytes)
			.unpackValue()
			.asMapValue()
			.map()
			.forEach((key, value) -> map.put(key.asStringValue().asString(), value));
		return map;
	}

	private byte[] frame(FrameCodec codec, String... keysAndValues) {
		if (codec == this.json) {
			StringBuilder out = new StringBuilder("{");
			for (int i = 0; i < keysAndValues.length; i += 2) {
				out.append((i > 0) ? "," : "")
					.append('"')
					.append(keysAndValues[i])
					.append("\":\"")
					.append(keysAndValues[i + 1])
					.append('"');
			}
			return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
		}
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packMapHeader(keysAndValues.length / 2);
			for (String item : keysAndValues) {
				packer.packString(item);
			}
			return packer.toByteArray();
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

}
