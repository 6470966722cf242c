package io.pushgateway.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.id.SnowflakeIdGenerator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SocketIoFrameCodec}: the packets of the Socket.IO protocol's examples.
 *
 * @author Push Gateway team
 */
class SocketIoFrameCodecTests {

	@Test
	void pushIsAnEventNamedAfterItWithThePayloadAsArgument() {
		Push push = new Push(7, PushTarget.user("alice"), "order.shipped", Payload.json("{\"order\":7}"));
		assertThat(text(SocketIoFrameCodec.PLAIN.encodePush(push))).isEqualTo("42[\"order.shipped\",{\"order\":7}]");
		assertThat(text(SocketIoFrameCodec.WITH_OFFSETS.encodePush(push.at("1764000000000-3"))))
			.isEqualTo("42[\"order.shipped\",{\"order\":7},\"1764000000000-3\"]");
		assertThat(text(SocketIoFrameCodec.WITH_OFFSETS
			.encodePush(new Push(8, PushTarget.guid("doc"), "e", Payload.text("hi")).at("1-1"))))
			.as("a GUID's position is not the user's offset")
			.isEqualTo("42[\"e\",\"hi\",null]");
	}

	@Test
	void acknowledgedPushAsksForAnAckWithAnIdJavaScriptHoldsExactly() {
		long id = (1L << 62) - 12345;
		Push push = new Push(id, PushTarget.user("alice"), "confirm", Payload.json("1"), true);
		String packet = text(SocketIoFrameCodec.PLAIN.encodePush(push));
		String ackId = packet.substring(2, packet.indexOf('['));
		assertThat(Long.parseLong(ackId)).isLessThan(1L << 53);
		ClientFrame ack = SocketIoFrameCodec.PLAIN.decode(("3" + ackId + "[]").getBytes(StandardCharsets.UTF_8));
		long now = SnowflakeIdGenerator.timestampMillis(id);
		assertThat(SnowflakeIdGenerator.completeId(Long.parseLong(ackId), now)).isEqualTo(id);
		assertThat(ack).isInstanceOf(ClientFrame.Ack.class);
	}

	@Test
	void binaryPayloadIsAnAttachment() {
		byte[] encoded = SocketIoFrameCodec.PLAIN
			.encodePush(new Push(9, PushTarget.user("a"), "file", Payload.binary(new byte[] { 1, 2 })));
		assertThat(encoded[0]).isEqualTo(SocketIoFrameCodec.COMPOSITE);
		List<byte[]> parts = SocketIoFrameCodec.parts(encoded);
		assertThat(text(parts.get(0))).isEqualTo("451-[\"file\",{\"_placeholder\":true,\"num\":0}]");
		assertThat(parts.get(1)).containsExactly(1, 2);
	}

	@Test
	void repliesErrorsAndJoinsAnswerTheClientsAck() {
		assertThat(text(SocketIoFrameCodec.PLAIN.encode(new ServerFrame.Reply("12", Payload.json("[1]")))))
			.isEqualTo("4312[[1]]");
		assertThat(text(SocketIoFrameCodec.PLAIN.encode(new ServerFrame.Error("13", 4404, "no \"handler\""))))
			.isEqualTo("4313[{\"error\":{\"code\":4404,\"message\":\"no \\\"handler\\\"\"}}]");
		assertThat(text(SocketIoFrameCodec.PLAIN.encode(new ServerFrame.Error(null, 4410, "gone"))))
			.isEqualTo("42[\"gateway:error\",{\"error\":{\"code\":4410,\"message\":\"gone\"}}]");
		assertThat(text(SocketIoFrameCodec.PLAIN.encode(new ServerFrame.Joined("14", "doc-1"))))
			.isEqualTo("4314[{\"guid\":\"doc-1\"}]");
		assertThat(SocketIoFrameCodec.PLAIN.encode(new ServerFrame.Reply(SocketIoFrameCodec.NO_ACK, Payload.json("1"))))
			.as("an emit without an ack gets no answer")
			.isEmpty();
		assertThat(SocketIoFrameCodec.PLAIN.encode(ServerFrame.Pong.INSTANCE)).isEmpty();
	}

	@Test
	void refreshIsAGatewayEventBothWays() {
		assertThat(text(SocketIoFrameCodec.PLAIN.encode(new ServerFrame.Refresh(30000))))
			.isEqualTo("42[\"gateway:refresh\",{\"in\":30000}]");
		assertThat(text(SocketIoFrameCodec.PLAIN.encode(new ServerFrame.Refreshed("15", 1700000000000L))))
			.isEqualTo("4315[{\"exp\":1700000000000}]");
		assertThat(decode("215[\"gateway:refresh\",\"a.b.c\"]")).isEqualTo(new ClientFrame.Refresh("15", "a.b.c"));
		assertThatExceptionOfType(MalformedFrameException.class).isThrownBy(() -> decode("216[\"gateway:refresh\",42]"))
			.withMessageContaining("token");
	}

	@Test
	void emitsBecomeMessagesJoinsAndLeaves() {
		assertThat(decode("21[\"chat\",{\"text\":\"hi\"}]"))
			.isEqualTo(new ClientFrame.Message("1", "chat", null, Payload.json("{\"text\":\"hi\"}")));
		assertThat(decode("2[\"ping-me\"]"))
			.isEqualTo(new ClientFrame.Message(SocketIoFrameCodec.NO_ACK, "ping-me", null, Payload.json("null")));
		assertThat(decode("23[\"sum\",1,2.50,\"x\"]"))
			.isEqualTo(new ClientFrame.Message("3", "sum", null, Payload.json("[1,2.50,\"x\"]")));
		assertThat(decode("24[\"join\",\"doc-1\",\"k3x9q2ab:2\"]"))
			.isEqualTo(new ClientFrame.Join("4", "doc-1", "k3x9q2ab:2"));
		assertThat(decode("25[\"leave\",\"doc-1\"]")).isEqualTo(new ClientFrame.Leave("5", "doc-1"));
		ClientFrame binary = decode("51-6[\"upload\",{\"_placeholder\":true,\"num\":0}]\u0000AQI=");
		assertThat(binary).isInstanceOf(ClientFrame.Message.class);
		assertThat(((ClientFrame.Message) binary).payload().bytes()).containsExactly(1, 2);
	}

	@Test
	void malformedPacketsAreRefused() {
		for (String packet : List.of("2", "2{}", "2[]", "2[1]", "2[\"e\"", "2[\"e\"] x", "2/admin,[\"e\"]", "5[\"e\"]",
				"52-[\"e\",{},{}]\u0000AA==\u0000AA==", "2[\"join\"]", "2[\"join\",1]",
				"51-[\"e\",1,{\"_placeholder\":true,\"num\":0}]\u0000AA==")) {
			assertThatExceptionOfType(MalformedFrameException.class).as(packet).isThrownBy(() -> decode(packet));
		}
	}

	private static ClientFrame decode(String packet) {
		return SocketIoFrameCodec.PLAIN.decode(packet.getBytes(StandardCharsets.UTF_8));
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
