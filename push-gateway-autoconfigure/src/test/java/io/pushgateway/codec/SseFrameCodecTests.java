package io.pushgateway.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseFrameCodec}: the event stream format of the HTML standard around
 * the JSON protocol's frames.
 *
 * @author Push Gateway team
 */
class SseFrameCodecTests {

	@Test
	void userPushIsANamedEventWithItsPositionAsId() {
		Push push = new Push(7, PushTarget.user("alice"), "order.shipped", Payload.json("{\"order\":7}"))
			.at("1764000000000-3");
		assertThat(text(SseFrameCodec.NAMED.encodePush(push))).isEqualTo("event: order.shipped\nid: 1764000000000-3\n"
				+ "data: {\"t\":\"push\",\"id\":\"7\",\"ev\":\"order.shipped\",\"p\":\"1764000000000-3\",\"d\":{\"order\":7}}\n\n");
	}

	@Test
	void guidPushHasNoIdSinceItsPositionIsNotTheUsersStream() {
		Push push = new Push(8, PushTarget.guid("doc-1"), "edit", Payload.text("x")).at("1764000000000-4");
		assertThat(text(SseFrameCodec.NAMED.encodePush(push))).startsWith("event: edit\ndata: ")
			.doesNotContain("\nid:");
	}

	@Test
	void lineBreaksInAPayloadStartNewDataLines() {
		Push push = new Push(9, PushTarget.all(), "multi\r\nline", Payload.json("{\n\"a\":\r1}"));
		assertThat(text(SseFrameCodec.NAMED.encodePush(push))).isEqualTo("event: multi  line\n"
				+ "data: {\"t\":\"push\",\"id\":\"9\",\"ev\":\"multi\\r\\nline\",\"d\":{\ndata: \"a\":\ndata: 1}}\n\n");
	}

	@Test
	void unnamedEventsLeaveTheEventFieldOut() {
		Push push = new Push(10, PushTarget.user("bob"), "e", Payload.json("1")).at("1-1");
		assertThat(text(SseFrameCodec.UNNAMED.encodePush(push))).startsWith("id: 1-1\ndata: {\"t\":\"push\"");
		assertThat(text(SseFrameCodec.UNNAMED.encode(ServerFrame.Pong.INSTANCE)))
			.isEqualTo("data: {\"t\":\"pong\"}\n\n");
	}

	@Test
	void controlFramesAreNamedAfterTheirType() {
		assertThat(text(SseFrameCodec.NAMED.encode(new ServerFrame.Welcome(1, "u", "n", 25000, List.of(), "h"))))
			.isEqualTo("event: welcome\ndata: {\"t\":\"welcome\",\"v\":1,\"sid\":\"1\",\"uid\":\"u\",\"node\":\"n\","
					+ "\"hb\":25000,\"g\":[],\"session\":\"h\"}\n\n");
		assertThat(text(SseFrameCodec.NAMED.encodeClose(4002, "outbound \"queue\" overflow"))).isEqualTo(
				"event: close\ndata: {\"t\":\"close\",\"code\":4002,\"reason\":\"outbound \\\"queue\\\" overflow\"}\n\n");
	}

	@Test
	void clientFramesAreTheJsonProtocols() {
		assertThat(SseFrameCodec.NAMED.decode("{\"t\":\"ping\"}".getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(ClientFrame.Ping.class);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
