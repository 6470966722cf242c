package io.pushgateway.transport.websocket;

import java.util.Arrays;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.pushgateway.codec.JsonFrameCodec;
import io.pushgateway.codec.MessagePackFrameCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WebSocketFramingTests {

	/*
	 * The frame built once per push, header and all, read back by Netty's own client-side
	 * decoder (server frames are not masked) in each of the header's length forms.
	 */
	@Test
	void aPushsWebSocketFrameIsWhatNettysDecoderReadsInEveryLengthForm() {
		for (int length : new int[] { 0, 125, 126, 65_535, 65_536, 200_000 }) {
			for (boolean binary : new boolean[] { false, true }) {
				byte[] payload = new byte[length];
				Arrays.fill(payload, (byte) 'p');
				EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
				client.writeInbound(WebSocketFraming.frame(ByteBufAllocator.DEFAULT, binary, payload));
				WebSocketFrame frame = client.readInbound();
				assertThat(frame).isInstanceOf(binary ? BinaryWebSocketFrame.class : TextWebSocketFrame.class);
				assertThat(frame.isFinalFragment()).isTrue();
				assertThat(ByteBufUtil.getBytes(frame.content())).isEqualTo(payload);
				frame.release();
				assertThat(client.finishAndReleaseAll()).isFalse();
			}
		}
	}

	@Test
	void aCodecsFramesAreTextOrBinaryAsTheCodecSays() {
		byte[] payload = { '{', '}' };
		for (boolean binary : new boolean[] { false, true }) {
			EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
			client.writeInbound(WebSocketFraming.INSTANCE.frame(ByteBufAllocator.DEFAULT,
					binary ? new MessagePackFrameCodec() : new JsonFrameCodec(), payload));
			WebSocketFrame frame = client.readInbound();
			assertThat(frame).isInstanceOf(binary ? BinaryWebSocketFrame.class : TextWebSocketFrame.class);
			assertThat(ByteBufUtil.getBytes(frame.content())).isEqualTo(payload);
			frame.release();
			assertThat(client.finishAndReleaseAll()).isFalse();
		}
	}

}
