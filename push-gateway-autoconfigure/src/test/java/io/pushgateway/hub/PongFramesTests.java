package io.pushgateway.hub;

import java.nio.charset.StandardCharsets;

import io.pushgateway.codec.JsonFrameCodec;
import io.pushgateway.codec.ServerFrame;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PongFramesTests {

	/*
	 * A pong is built once per codec and framing, in the connection's framing when its
	 * transport has one, and written as a push's pre-framed frame; the others get the
	 * encoded frame.
	 */
	@Test
	void aPongIsBuiltOncePerCodecInTheConnectionsFramingAndSharedByItsConnections() {
		JsonFrameCodec codec = new JsonFrameCodec();
		FanOutTests.CountingFraming framing = new FanOutTests.CountingFraming();
		FanOutTests.FramedConnection first = new FanOutTests.FramedConnection(1, codec, framing);
		FanOutTests.FramedConnection second = new FanOutTests.FramedConnection(2, codec, framing);
		FakeConnection plain = new FakeConnection(3, "plain", codec);

		first.send(ServerFrame.Pong.INSTANCE);
		second.send(ServerFrame.Pong.INSTANCE);
		plain.send(ServerFrame.Pong.INSTANCE);

		String pong = new String(codec.encode(ServerFrame.Pong.INSTANCE), StandardCharsets.ISO_8859_1);
		assertThat(framing.built).containsExactly(codec.subprotocol());
		assertThat(first.preFramed).containsExactly("[" + codec.subprotocol() + "]" + pong);
		assertThat(second.preFramed).isEqualTo(first.preFramed);
		assertThat(plain.written).containsExactly(pong);
		assertThat(first.flushes).isOne();
		assertThat(plain.flushes).isOne();
	}

}
