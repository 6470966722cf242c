package io.pushgateway.transport.websocket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.PushPrincipal;
import reactor.netty.http.websocket.WebsocketOutbound;

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

	private final WebsocketOutbound outbound;

	private final long maxQueuedBytes;

	private final Duration closeTimeout;

	private final GatewayMetrics metrics;

	private final AtomicBoolean closing = new AtomicBoolean();

	WebSocketConnection(long socketId, PushPrincipal principal, Set<String> guids, FrameCodec codec, long now,
			Channel channel, WebsocketOutbound outbound, long maxQueuedBytes, Duration closeTimeout,
			GatewayMetrics metrics) {
		super(socketId, principal, guids, codec, now);
		this.channel = channel;
		this.outbound = outbound;
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
			this.metrics.closed("slow_consumer");
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
		if (!this.channel.isActive()) {
			// the client is gone already: nothing to send, nothing to wait for
			return;
		}
		// the close frame queues behind whatever the client has not read yet; a client
		// that
		// never reads it must not hold the socket open
		this.channel.eventLoop().schedule(() -> {
			this.channel.close();
		}, this.closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
		this.outbound.sendClose(code, truncate(reason)).subscribe(null, (error) -> this.channel.close());
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
