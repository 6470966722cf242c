package io.pushgateway.transport;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.PushPrincipal;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;

/**
 * A connection that streams frames on a Netty channel of its own: a WebSocket, or a
 * Server-Sent Events response. Frames are written straight to the channel while it is
 * writable. Once the client reads too slowly for the channel's buffer (past its high
 * water mark), frames wait in this connection's own queue, where the slow-consumer policy
 * of each push applies: wait, replace a waiting push of the same event
 * ({@link SlowConsumerPolicy#CONFLATE}), or make room by dropping the oldest droppable
 * ones ({@link SlowConsumerPolicy#DROP_OLDEST}). The channel's buffer and the queue
 * together are bounded by {@code maxQueuedBytes}; a frame that finds no room closes the
 * connection as a slow consumer ({@code 4002}) unless its policy lets it be dropped. A
 * healthy connection never allocates the queue. Everything here but {@link #close} runs
 * on the channel's event loop. Subclasses say how a frame travels ({@link #wrap}) and how
 * the connection ends ({@link #sendClose}).
 *
 * @author Push Gateway team
 */
public abstract class ChannelConnection extends PushConnection {

	private final Channel channel;

	private final long maxQueuedBytes;

	private final Duration closeTimeout;

	private final GatewayMetrics metrics;

	private final AtomicBoolean closing = new AtomicBoolean();

	/** Takes the connection out of the hub as soon as the server decides to close it. */
	private final Consumer<? super ChannelConnection> onClosing;

	/** Frames waiting for the channel to become writable; {@code null} while healthy. */
	private @Nullable SlowConsumerQueue waiting;

	private boolean drainHandlerAdded;

	protected ChannelConnection(long socketId, PushPrincipal principal, Set<String> guids, FrameCodec codec, long now,
			Channel channel, long maxQueuedBytes, Duration closeTimeout, GatewayMetrics metrics,
			Consumer<? super ChannelConnection> onClosing) {
		super(socketId, principal, guids, codec, now);
		this.onClosing = onClosing;
		this.channel = channel;
		this.maxQueuedBytes = maxQueuedBytes;
		this.closeTimeout = closeTimeout;
		this.metrics = metrics;
	}

	/**
	 * The channel this connection streams on.
	 * @return the channel
	 */
	protected final Channel channel() {
		return this.channel;
	}

	/**
	 * The message that carries an encoded frame on this channel.
	 * @param frame the encoded frame, whose reference the message takes over
	 * @return the message to write
	 */
	protected abstract Object wrap(ByteBuf frame);

	/**
	 * Tell the client how the connection ends and end it; on any thread, once. The
	 * channel is closed after the close timeout whatever this does.
	 * @param code the close code
	 * @param reason the reason
	 */
	protected abstract void sendClose(int code, String reason);

	@Override
	public final EventExecutor eventLoop() {
		return this.channel.eventLoop();
	}

	@Override
	public final boolean write(ByteBuf frame) {
		return write(frame, null, SlowConsumerPolicy.CLOSE);
	}

	@Override
	public final boolean writePush(ByteBuf frame, String event, SlowConsumerPolicy policy) {
		return write(frame, event, policy);
	}

	/*
	 * A frame pre-framed once for all recipients (a whole WebSocket frame) goes to the
	 * channel as is when nothing waits in this connection's own queue; otherwise the push
	 * joins the queue as its frame, like any other.
	 */
	@Override
	public final boolean writePush(ByteBuf frame, @Nullable ByteBuf preFramed, String event,
			SlowConsumerPolicy policy) {
		ChannelOutboundBuffer buffer = this.channel.unsafe().outboundBuffer();
		if (preFramed == null || preFraming() == null || this.waiting != null || !this.channel.isWritable()
				|| this.closing.get() || buffer == null) {
			return write(frame.retainedDuplicate(), event, policy);
		}
		if (buffer.totalPendingWriteBytes() + frame.readableBytes() > this.maxQueuedBytes) {
			slowConsumer();
			return false;
		}
		this.channel.write(preFramed.retainedDuplicate(), this.channel.voidPromise());
		return true;
	}

	/**
	 * Answer a client's control frame (a WebSocket pong) outside the push queue, flushed
	 * at once, when nothing waits in this connection's queue, the channel is writable and
	 * the frame fits {@code maxQueuedBytes}; otherwise the frame is released and not
	 * sent: a client that does not read gets no answers until it does (RFC 6455 lets an
	 * endpoint answer only the latest of several pings), and what it makes the server
	 * hold stays within the connection's bound.
	 * @param frame the frame, released here when it is not sent
	 * @return whether it was sent
	 */
	public final boolean writeControl(ByteBufHolder frame) {
		ChannelOutboundBuffer buffer = this.channel.unsafe().outboundBuffer();
		if (this.closing.get() || buffer == null || this.waiting != null || !this.channel.isWritable()
				|| buffer.totalPendingWriteBytes() + frame.content().readableBytes() > this.maxQueuedBytes) {
			frame.release();
			return false;
		}
		this.channel.writeAndFlush(frame, this.channel.voidPromise());
		return true;
	}

	private boolean write(ByteBuf frame, @Nullable String event, SlowConsumerPolicy policy) {
		ChannelOutboundBuffer buffer = this.channel.unsafe().outboundBuffer();
		if (this.closing.get() || buffer == null) {
			frame.release();
			return false;
		}
		if (this.waiting == null && this.channel.isWritable()) {
			if (buffer.totalPendingWriteBytes() + frame.readableBytes() > this.maxQueuedBytes) {
				frame.release();
				slowConsumer();
				return false;
			}
			this.channel.write(wrap(frame), this.channel.voidPromise());
			return true;
		}
		return enqueue(frame, event, policy, this.maxQueuedBytes - buffer.totalPendingWriteBytes());
	}

	private boolean enqueue(ByteBuf frame, @Nullable String event, SlowConsumerPolicy policy, long room) {
		SlowConsumerQueue waiting = this.waiting;
		if (waiting == null) {
			waiting = new SlowConsumerQueue(this.metrics);
			this.waiting = waiting;
			addDrainHandler();
		}
		if (waiting.offer(frame, event, policy, room)) {
			return true;
		}
		if (policy == SlowConsumerPolicy.CLOSE) {
			slowConsumer();
		}
		return false;
	}

	private void slowConsumer() {
		this.metrics.closed(CloseReason.SLOW_CONSUMER);
		close(CloseCodes.SLOW_CONSUMER, "outbound queue overflow");
	}

	/**
	 * Whether frames wait in this connection's own queue because the client reads too
	 * slowly.
	 * @return {@code true} while the connection is behind
	 */
	protected final boolean behind() {
		return this.waiting != null || !this.channel.isWritable();
	}

	/*
	 * Added the first time the connection falls behind, so healthy connections keep the
	 * pipeline Reactor Netty gave them; inserted before Reactor Netty's bridge, which
	 * does not pass writability changes on.
	 */
	private void addDrainHandler() {
		if (this.drainHandlerAdded) {
			return;
		}
		this.drainHandlerAdded = true;
		Connection.from(this.channel).addHandlerLast("push-gateway-slow-consumer", new ChannelInboundHandlerAdapter() {

			@Override
			public void channelWritabilityChanged(ChannelHandlerContext context) {
				if (context.channel().isWritable()) {
					drain();
				}
				context.fireChannelWritabilityChanged();
			}

			@Override
			public void channelInactive(ChannelHandlerContext context) {
				discardWaiting();
				context.fireChannelInactive();
			}

		});
	}

	/* Moves waiting frames to the channel while it stays writable. */
	final void drain() {
		SlowConsumerQueue waiting = this.waiting;
		if (waiting == null || this.closing.get()) {
			return;
		}
		ByteBuf frame;
		boolean wrote = false;
		while (this.channel.isWritable() && (frame = waiting.poll()) != null) {
			this.channel.write(wrap(frame), this.channel.voidPromise());
			wrote = true;
		}
		if (waiting.isEmpty()) {
			this.waiting = null;
			long dropped = waiting.takeDropped();
			if (dropped > 0) {
				ServerFrame.Dropped report = new ServerFrame.Dropped(dropped);
				byte[] bytes = codec().encode(report);
				this.channel.write(wrap(Unpooled.wrappedBuffer(bytes)), this.channel.voidPromise());
				controlFrameSent(report, bytes.length);
				wrote = true;
			}
		}
		if (wrote) {
			this.channel.flush();
		}
	}

	private void discardWaiting() {
		SlowConsumerQueue waiting = this.waiting;
		if (waiting != null) {
			waiting.clear();
			this.waiting = null;
		}
	}

	@Override
	protected final void controlFrameSent(ServerFrame frame, int bytes) {
		this.metrics.framesOut(ServerFrame.typeOf(frame), 1, bytes);
	}

	@Override
	public final void flush() {
		this.channel.flush();
	}

	@Override
	public final void close(int code, String reason) {
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
		// that never reads it must not hold the socket open
		this.channel.eventLoop()
			.schedule(() -> this.channel.close(), this.closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
		sendClose(code, reason);
	}

	/**
	 * Whether the server decided to close this connection.
	 * @return {@code true} once {@link #close} was called
	 */
	protected final boolean closing() {
		return this.closing.get();
	}

	@Override
	public final boolean isOpen() {
		return !this.closing.get() && this.channel.isActive();
	}

	@Override
	public final long queuedBytes() {
		ChannelOutboundBuffer buffer = this.channel.unsafe().outboundBuffer();
		SlowConsumerQueue waiting = this.waiting;
		return ((buffer != null) ? buffer.totalPendingWriteBytes() : 0) + ((waiting != null) ? waiting.bytes() : 0);
	}

}
