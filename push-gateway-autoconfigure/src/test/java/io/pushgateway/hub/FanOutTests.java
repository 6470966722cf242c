package io.pushgateway.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.codec.ClientFrame;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.JsonFrameCodec;
import io.pushgateway.codec.MessagePackFrameCodec;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.metrics.GatewayMetrics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FanOutTests {

	private final LocalHub hub = new LocalHub(0);

	private final CountingCodec json = new CountingCodec(new JsonFrameCodec());

	private final CountingCodec msgpack = new CountingCodec(new MessagePackFrameCodec());

	private final FanOut fanOut = new FanOut(this.hub, ByteBufAllocator.DEFAULT,
			new GatewayMetrics(new SimpleMeterRegistry(), this.hub), 16);

	/*
	 * The frame encoded once per push, header and all, read back by Netty's own client-
	 * side decoder (server frames are not masked) in each of the header's length forms.
	 */
	@Test
	void aPushsWebSocketFrameIsWhatNettysDecoderReadsInEveryLengthForm() {
		for (int length : new int[] { 0, 125, 126, 65_535, 65_536, 200_000 }) {
			for (boolean binary : new boolean[] { false, true }) {
				byte[] payload = new byte[length];
				Arrays.fill(payload, (byte) 'p');
				EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
				client.writeInbound(FanOut.webSocketFrame(ByteBufAllocator.DEFAULT, binary, payload));
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
	void pushIsEncodedOncePerCodecHoweverManyRecipients() {
		List<FakeConnection> connections = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			FakeConnection connection = new FakeConnection(i, "user-" + i, (i % 2 == 0) ? this.json : this.msgpack);
			connections.add(connection);
			this.hub.register(connection);
		}

		int delivered = this.fanOut.deliver(new Push(1, PushTarget.all(), "e", Payload.text("hello")));

		assertThat(delivered).isEqualTo(1000);
		assertThat(this.json.pushes.get()).isEqualTo(1);
		assertThat(this.msgpack.pushes.get()).isEqualTo(1);
		assertThat(connections).allSatisfy((connection) -> {
			assertThat(connection.written).hasSize(1);
			assertThat(connection.flushes).isEqualTo(1);
		});
		assertThat(connections.get(0).written.get(0)).contains("\"d\":\"hello\"");
	}

	@Test
	void pushToNobodyEncodesNothing() {
		assertThat(this.fanOut.deliver(new Push(1, PushTarget.user("ghost"), "e", Payload.text("x")))).isZero();
		assertThat(this.json.pushes.get()).isZero();
	}

	@Test
	void anEventLoopHalfItsBoundBehindSaturatesTheFanOutUntilItCatchesUp() throws Exception {
		DefaultEventLoop loop = new DefaultEventLoop();
		CountDownLatch busy = new CountDownLatch(1);
		try {
			loop.execute(() -> {
				try {
					busy.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			this.hub.register(new FakeConnection(1, "behind") {
				@Override
				public EventExecutor eventLoop() {
					return loop;
				}
			});
			for (int i = 0; i < 8; i++) {
				this.fanOut.deliver(new Push(i, PushTarget.user("behind"), "e", Payload.text("x")));
			}
			assertThat(this.fanOut.saturated()).isFalse();
			this.fanOut.deliver(new Push(8, PushTarget.user("behind"), "e", Payload.text("x")));
			assertThat(this.fanOut.saturated()).isTrue();

			busy.countDown();
			await().until(() -> !this.fanOut.saturated());
		}
		finally {
			busy.countDown();
			loop.shutdownGracefully();
		}
	}

	/** Counts encodings. */
	static final class CountingCodec implements FrameCodec {

		final AtomicInteger pushes = new AtomicInteger();

		private final FrameCodec delegate;

		CountingCodec(FrameCodec delegate) {
			this.delegate = delegate;
		}

		@Override
		public String subprotocol() {
			return this.delegate.subprotocol();
		}

		@Override
		public boolean binary() {
			return this.delegate.binary();
		}

		@Override
		public byte[] encodePush(Push push) {
			this.pushes.incrementAndGet();
			return this.delegate.encodePush(push);
		}

		@Override
		public byte[] encode(ServerFrame frame) {
			return this.delegate.encode(frame);
		}

		@Override
		public ClientFrame decode(byte[] frame) {
			return this.delegate.decode(frame);
		}

	}

}
