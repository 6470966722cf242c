package io.pushgateway.transport.socketio;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pushgateway.codec.SocketIoFrameCodec;
import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.id.SnowflakeIdGenerator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Socket.IO ack IDs numbered per socket from 0 and mapped back to the pushes' IDs.
 *
 * @author Push Gateway team
 */
class SocketIoAckIdsTests {

	private final SocketIoAckIds ids = new SocketIoAckIds();

	private static final long PUSH_ID = (1L << 62) - 12345;

	private static ByteBuf encoded(Push push) {
		return Unpooled.wrappedBuffer(SocketIoFrameCodec.WITH_OFFSETS.encodePush(push));
	}

	private static String text(ByteBuf frame) {
		try {
			return frame.toString(StandardCharsets.ISO_8859_1);
		}
		finally {
			frame.release();
		}
	}

	@Test
	void acknowledgedPushesAreNumberedFromZeroAndTheirAcksTurnBackIntoTheEncodedId() {
		String encodedId = Long.toString(SnowflakeIdGenerator.low53Bits(PUSH_ID));
		for (int n = 0; n < 3; n++) {
			ByteBuf frame = encoded(new Push(PUSH_ID + n, PushTarget.user("a"), "confirm", Payload.json("{}"), true));
			assertThat(text(this.ids.number(frame))).startsWith("42" + n + "[\"confirm\",{}");
		}
		assertThat(this.ids.resolve("31[]")).isEqualTo("3" + (Long.parseLong(encodedId) + 1) + "[]");
		assertThat(this.ids.resolve("31[]")).as("answered already").isNull();
		assertThat(this.ids.resolve("3/,2[]")).isEqualTo("3/," + (Long.parseLong(encodedId) + 2) + "[]");
		assertThat(this.ids.resolve("39[]")).as("no push asked for it").isNull();
		assertThat(this.ids.resolve("399999999999[]")).as("past an int").isNull();
		assertThat(this.ids.awaiting()).isEqualTo(1);
	}

	@Test
	void aBinaryPushKeepsItsAttachmentAndItsLengthsAgree() {
		ByteBuf frame = encoded(
				new Push(PUSH_ID, PushTarget.user("a"), "file", Payload.binary(new byte[] { 7, 8, 9 }), true));
		ByteBuf numbered = this.ids.number(frame);
		byte[] bytes = new byte[numbered.readableBytes()];
		numbered.readBytes(bytes);
		numbered.release();
		assertThat(SocketIoFrameCodec.parts(bytes)).satisfiesExactly(
				(text) -> assertThat(new String(text, StandardCharsets.US_ASCII)).startsWith("451-0[\"file\","),
				(attachment) -> assertThat(attachment).containsExactly(7, 8, 9));
		assertThat(this.ids.resolve("60-0[]")).isEqualTo("60-" + SnowflakeIdGenerator.low53Bits(PUSH_ID) + "[]");
	}

	@Test
	void framesThatAskForNoAckAreWrittenAsTheyAre() {
		ByteBuf plain = encoded(new Push(PUSH_ID, PushTarget.user("a"), "e", Payload.json("1")));
		assertThat(this.ids.number(plain)).isSameAs(plain);
		plain.release();
		ByteBuf binary = encoded(new Push(PUSH_ID, PushTarget.user("a"), "f", Payload.binary(new byte[] { 1 })));
		assertThat(this.ids.number(binary)).isSameAs(binary);
		binary.release();
		ByteBuf reply = Unpooled.copiedBuffer("437[{}]", StandardCharsets.US_ASCII);
		assertThat(this.ids.number(reply)).isSameAs(reply);
		reply.release();
		assertThat(this.ids.resolve("2[\"echo\",1]")).isEqualTo("2[\"echo\",1]");
		assertThat(this.ids.resolve("")).as("left to the decoder, which refuses it").isEmpty();
		assertThat(this.ids.awaiting()).isZero();
	}

	@Test
	void onlyTheLatestPushesAwaitAnAck() {
		for (int n = 0; n < SocketIoAckIds.MAX_AWAITING + 10; n++) {
			this.ids.number(encoded(new Push(PUSH_ID, PushTarget.user("a"), "c", Payload.json("1"), true))).release();
		}
		assertThat(this.ids.awaiting()).isEqualTo(SocketIoAckIds.MAX_AWAITING);
		assertThat(this.ids.resolve("39[]")).as("the oldest were forgotten").isNull();
		assertThat(this.ids.resolve("310[]")).isNotNull();
	}

}
