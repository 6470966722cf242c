package io.pushgateway.hub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.codec.ClientFrame;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.JsonFrameCodec;
import io.pushgateway.codec.MessagePackFrameCodec;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.metrics.GatewayMetrics;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FanOutTests {

	private final LocalHub hub = new LocalHub(0);

	private final CountingCodec json = new CountingCodec(new JsonFrameCodec());

	private final CountingCodec msgpack = new CountingCodec(new MessagePackFrameCodec());

	private final FanOut fanOut = new FanOut(this.hub, ByteBufAllocator.DEFAULT,
			new GatewayMetrics(new SimpleMeterRegistry(), this.hub), 16, SlowConsumerPolicies.CLOSE, null);

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

	/*
	 * A transport that frames a push the same for every recipient (WebSocket) gets it
	 * built once per codec through its PreFraming, and only its connections get it.
	 */
	@Test
	void aPushIsPreFramedOncePerCodecForTheConnectionsOfThatFramingOnly() {
		CountingFraming framing = new CountingFraming();
		List<FramedConnection> framed = new ArrayList<>();
		List<FakeConnection> plain = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			FramedConnection connection = new FramedConnection(i, (i % 2 == 0) ? this.json : this.msgpack, framing);
			framed.add(connection);
			this.hub.register(connection);
			FakeConnection other = new FakeConnection(1000 + i, "plain-" + i, this.json);
			plain.add(other);
			this.hub.register(other);
		}

		assertThat(this.fanOut.deliver(new Push(1, PushTarget.all(), "e", Payload.text("hello")))).isEqualTo(200);

		assertThat(this.json.pushes.get()).isEqualTo(1);
		assertThat(this.msgpack.pushes.get()).isEqualTo(1);
		assertThat(framing.built).hasSize(2);
		assertThat(framed).allSatisfy((connection) -> {
			assertThat(connection.preFramed).hasSize(1);
			assertThat(connection.preFramed.get(0))
				.isEqualTo("[" + connection.codec().subprotocol() + "]" + connection.written.get(0));
		});
		assertThat(plain).allSatisfy((connection) -> assertThat(connection.written).hasSize(1));
		assertThat(plain.get(0).written.get(0)).contains("\"d\":\"hello\"");
	}

	@Test
	void pushToNobodyEncodesNothing() {
		assertThat(this.fanOut.deliver(new Push(1, PushTarget.user("ghost"), "e", Payload.text("x")))).isZero();
		assertThat(this.json.pushes.get()).isZero();
	}

	/* An event loop busy with one task until the latch opens. */
	private static DefaultEventLoop busyUntil(CountDownLatch busy) {
		DefaultEventLoop loop = new DefaultEventLoop();
		loop.execute(() -> {
			try {
				busy.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		return loop;
	}

	/*
	 * Flush coalescing: the pushes that reach a connection in one turn of its event loop
	 * are written one by one and flushed once (one system call), not once each.
	 */
	@Test
	void pushesQueuedForOneTurnOfALoopAreFlushedOncePerConnection() throws Exception {
		CountDownLatch busy = new CountDownLatch(1);
		DefaultEventLoop loop = busyUntil(busy);
		try {
			List<FakeConnection> devices = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				FakeConnection device = new FakeConnection(1 + i, "many") {
					@Override
					public EventExecutor eventLoop() {
						return loop;
					}
				};
				devices.add(device);
				this.hub.register(device);
			}
			for (int i = 0; i < 5; i++) {
				this.fanOut.deliver(new Push(i, PushTarget.user("many"), "e", Payload.text("x" + i)));
			}
			busy.countDown();
			loop.submit(() -> {
			}).sync();
			assertThat(devices).allSatisfy((device) -> {
				assertThat(device.written).hasSize(5);
				assertThat(device.flushes).isOne();
			});
		}
		finally {
			busy.countDown();
			loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		}
	}

	@Test
	void anEventLoopHalfItsBoundBehindSaturatesTheFanOutUntilItCatchesUp() throws Exception {
		CountDownLatch busy = new CountDownLatch(1);
		DefaultEventLoop loop = busyUntil(busy);
		try {
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

	/** Frames an encoded frame as its codec's name in brackets and the frame. */
	static final class CountingFraming implements PreFraming {

		final List<String> built = new ArrayList<>();

		@Override
		public ByteBuf frame(ByteBufAllocator allocator, FrameCodec codec, byte[] encoded) {
			this.built.add(codec.subprotocol());
			byte[] name = ("[" + codec.subprotocol() + "]").getBytes(StandardCharsets.ISO_8859_1);
			return allocator.buffer().writeBytes(name).writeBytes(encoded);
		}

	}

	/** A connection of a pre-framing transport: records the pre-framed pushes. */
	static final class FramedConnection extends FakeConnection {

		final List<String> preFramed = new ArrayList<>();

		private final PreFraming framing;

		FramedConnection(long socketId, FrameCodec codec, PreFraming framing) {
			super(socketId, "framed-" + socketId, codec);
			this.framing = framing;
		}

		@Override
		public PreFraming preFraming() {
			return this.framing;
		}

		@Override
		public boolean writePush(ByteBuf frame, @Nullable ByteBuf preFramed, String event, SlowConsumerPolicy policy) {
			if (preFramed == null) {
				return super.writePush(frame, null, event, policy);
			}
			this.preFramed.add(preFramed.toString(StandardCharsets.ISO_8859_1));
			this.written.add(frame.toString(StandardCharsets.ISO_8859_1));
			return true;
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
