package io.pushgateway.transport.websocket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.PushPrincipal;

/**
 * A connection over a WebSocket on Reactor Netty. Frames are written straight to the
 * Netty channel, whose outbound buffer is the connection's outbound queue: it is bounded
 * by {@code maxQueuedBytes}, and a write that would exceed the bound closes the
 * connection as a slow consumer instead.
 *
 * @author Push Gateway team
 */
final class WebSocketConnection extends PushConnection {

	/** A close frame's reason may hold at most 123 bytes. */
	private static final int MAX_REASON_BYTES = 123;

	private final Channel channel;

	private final long maxQueuedBytes;

	private final Duration closeTimeout;

	private final GatewayMetrics metrics;

	private final AtomicBoolean closing = new AtomicBoolean();

	/** Takes the connection out of the hub as soon as the server decides to close it. */
	private final Consumer<WebSocketConnection> onClosing;

	WebSocketConnection(long socketId, PushPrincipal principal, Set<String> guids, FrameCodec codec, long now,
			Channel channel, long maxQueuedBytes, Duration closeTimeout, GatewayMetrics metrics,
			Consumer<WebSocketConnection> onClosing) {
		super(socketId, principal, guids, codec, now);
		this.onClosing = onClosing;
		this.channel = channel;
		this.maxQueuedBytes = maxQueuedBytes;
		this.closeTimeout = closeTimeout;
		this.metrics = metrics;
	}

	@Override
	public EventExecutor eventLoop() {
		return this.channel.eventLoop();
	}

	@Override
	public boolean write(ByteBuf frame) {
		ChannelOutboundBuffer buffer = this.channel.unsafe().outboundBuffer();
		if (this.closing.get() || buffer == null) {
			frame.release();
			return false;
		}
		if (buffer.totalPendingWriteBytes() + frame.readableBytes() > this.maxQueuedBytes) {
			frame.release();
			this.metrics.closed(CloseReason.SLOW_CONSUMER);
			close(CloseCodes.SLOW_CONSUMER, "outbound queue overflow");
			return false;
		}
		this.channel.write(codec().binary() ? new BinaryWebSocketFrame(frame) : new TextWebSocketFrame(frame),
				this.channel.voidPromise());
		return true;
	}

	@Override
	protected void controlFrameSent(ServerFrame frame, int bytes) {
		this.metrics.framesOut(typeOf(frame), 1, bytes);
	}

	@Override
	public void flush() {
		this.channel.flush();
	}

	@Override
	public void close(int code, String reason) {
		if (!this.closing.compareAndSet(false, true)) {
			return;
		}
		closingBecause(code, reason);
		// no more pushes, and counted as gone, while the close frame and the half-close
		// take their time
		this.onClosing.accept(this);
		if (!this.channel.isActive()) {
			// the client is gone already: nothing to send, nothing to wait for
			return;
		}
		// the close frame queues behind whatever the client has not read yet; a client
		// that
		// never reads it must not hold the socket open
		this.channel.eventLoop()
			.schedule(() -> this.channel.close(), this.closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
		// then half-close: the client reads the close frame and the end of the stream,
		// while what it still sends is read and dropped. Closing the socket at once
		// (Reactor Netty's sendClose) would make the kernel reset a connection with
		// unread input, and the reset discards the close frame before the client reads
		// it: a flooding client would see "connection reset" instead of its close code
		this.channel.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason))).addListener((future) -> {
			if (future.isSuccess() && this.channel instanceof DuplexChannel duplex) {
				duplex.shutdownOutput();
			}
			else {
				this.channel.close();
			}
		});
	}

	@Override
	public boolean isOpen() {
		return !this.closing.get() && this.channel.isActive();
	}

	@Override
	public long queuedBytes() {
		ChannelOutboundBuffer buffer = this.channel.unsafe().outboundBuffer();
		return (buffer != null) ? buffer.totalPendingWriteBytes() : 0;
	}

	private static String truncate(String reason) {
		byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
		if (bytes.length <= MAX_REASON_BYTES) {
			return reason;
		}
		String cut = new String(bytes, 0, MAX_REASON_BYTES, StandardCharsets.UTF_8);
		// drop a character the cut may have split
		return cut.substring(0, cut.length() - 1);
	}

}
