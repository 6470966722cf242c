package io.pushgateway.transport.polling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.transport.SlowConsumerQueue;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * A connection over HTTP long-polling. Frames queue on the session until the client
 * polls; a poll takes everything queued as one batch, or waits for the next frame up to
 * the hold time. The queue is bounded by {@code maxQueuedBytes}, counting the last batch
 * until the client acknowledges it, and overflow closes the session as a slow consumer,
 * as on a WebSocket.
 *
 * <p>
 * Batches are numbered. A poll carries the number of the last batch the client received
 * ({@code ack}): the same number releases that batch, the number before it means the
 * response was lost and the batch is sent again, so a dropped response loses nothing.
 * State is confined to the session's event loop; {@link #poll} and {@link #close} may be
 * called from anywhere.
 *
 * @author Push Gateway team
 */
final class PollingConnection extends PushConnection {

	/**
	 * The empty batches, shared: every hold time that passes without frames sends one.
	 */
	private static final byte[] EMPTY_JSON = { '[', ']' };

	private static final byte[] EMPTY_MSGPACK = msgpackArrayHeader(0);

	private final EventExecutor loop;

	private final String secret;

	private final long maxQueuedBytes;

	private final long holdMillis;

	private final GatewayMetrics metrics;

	private final Clock clock;

	private final Consumer<PollingConnection> onClose;

	/** The next batch's frames. */
	private final SlowConsumerQueue queue;

	/** The number of the last batch handed out. */
	private long seq;

	private byte @Nullable [] unacked;

	/**
	 * The frame bytes of the unacknowledged batch, counted with the queue's against
	 * {@code maxQueuedBytes}.
	 */
	private long unackedBytes;

	private @Nullable Consumer<Batch> waiting;

	private @Nullable ScheduledFuture<?> waitTimeout;

	private volatile boolean closing;

	private int closeCode;

	private String closeReason = "";

	PollingConnection(long socketId, PushPrincipal principal, Set<String> guids, FrameCodec codec, Clock clock,
			EventExecutor loop, String secret, long maxQueuedBytes, long holdMillis, GatewayMetrics metrics,
			Consumer<PollingConnection> onClose) {
		super(socketId, principal, guids, codec, clock.millis());
		this.loop = loop;
		this.secret = secret;
		this.maxQueuedBytes = maxQueuedBytes;
		this.holdMillis = holdMillis;
		this.metrics = metrics;
		this.queue = new SlowConsumerQueue(metrics);
		this.clock = clock;
		this.onClose = onClose;
	}

	String secret() {
		return this.secret;
	}

	@Override
	public String transport() {
		return "polling";
	}

	@Override
	public EventExecutor eventLoop() {
		return this.loop;
	}

	@Override
	public boolean write(ByteBuf frame) {
		return write(frame, null, SlowConsumerPolicy.CLOSE);
	}

	@Override
	public boolean writePush(ByteBuf frame, String event, SlowConsumerPolicy policy) {
		return write(frame, event, policy);
	}

	/*
	 * The queue is the next poll's batch; a session that does not poll fills it, and the
	 * push's slow-consumer policy decides then, as on a WebSocket: conflate in place,
	 * make room by dropping the oldest droppable pushes, or close with 4002.
	 */
	private boolean write(ByteBuf frame, @Nullable String event, SlowConsumerPolicy policy) {
		if (this.closing) {
			frame.release();
			return false;
		}
		if (this.queue.offer(frame, event, policy, this.maxQueuedBytes - this.unackedBytes)) {
			return true;
		}
		if (policy == SlowConsumerPolicy.CLOSE) {
			this.metrics.closed(CloseReason.SLOW_CONSUMER);
			close(CloseCodes.SLOW_CONSUMER, "outbound queue overflow");
		}
		return false;
	}

	@Override
	public void flush() {
		Consumer<Batch> waiting = this.waiting;
		if (waiting != null && !this.queue.isEmpty()) {
			answer(waiting, nextBatch());
		}
	}

	@Override
	protected void controlFrameSent(ServerFrame frame, int bytes) {
		this.metrics.framesOut(ServerFrame.typeOf(frame), 1, bytes);
	}

	/**
	 * Answer a poll: at once when frames are queued or the batch must be sent again,
	 * otherwise when the next frame arrives or the hold time ends.
	 * @param ack the number of the last batch the client received
	 * @param callback receives the batch, exactly once
	 */
	void poll(long ack, Consumer<Batch> callback) {
		if (!this.loop.inEventLoop()) {
			this.loop.execute(() -> poll(ack, callback));
			return;
		}
		touch(this.clock.millis());
		if (ack == this.seq - 1 && this.unacked != null) {
			// the response carrying the last batch was lost: send it again
			callback.accept(batch(this.unacked, this.seq));
			return;
		}
		if (ack != this.seq) {
			callback
				.accept(Batch.error(400, "ack " + ack + " is not a batch of this session (last is " + this.seq + ")"));
			return;
		}
		if (this.unacked != null) {
			this.unacked = null;
			this.unackedBytes = 0;
		}
		Consumer<Batch> previous = this.waiting;
		if (previous != null) {
			answer(previous, Batch.error(409, "superseded by a newer poll"));
		}
		if (!this.queue.isEmpty() || this.closing) {
			callback.accept(nextBatch());
			return;
		}
		this.waiting = callback;
		this.waitTimeout = this.loop.schedule(() -> {
			if (this.waiting == callback) {
				touch(this.clock.millis());
				answer(callback, batch(emptyBody(), this.seq));
			}
		}, this.holdMillis, TimeUnit.MILLISECONDS);
	}

	private void answer(Consumer<Batch> callback, Batch batch) {
		if (this.waiting == callback) {
			this.waiting = null;
			ScheduledFuture<?> timeout = this.waitTimeout;
			if (timeout != null) {
				timeout.cancel(false);
				this.waitTimeout = null;
			}
		}
		touch(this.clock.millis());
		callback.accept(batch);
	}

	private Batch nextBatch() {
		long droppedCount = this.queue.takeDropped();
		if (droppedCount > 0) {
			// the client learns what its policy dropped with the batch that follows
			byte[] dropped = codec().encode(new ServerFrame.Dropped(droppedCount));
			this.queue.offer(Unpooled.wrappedBuffer(dropped), null, SlowConsumerPolicy.CLOSE, Long.MAX_VALUE);
			this.metrics.framesOut("dropped", 1, dropped.length);
		}
		if (this.queue.isEmpty()) {
			return batch(emptyBody(), this.seq);
		}
		this.unackedBytes = this.queue.bytes();
		byte[] body = encode();
		this.unacked = body;
		this.seq++;
		return batch(body, this.seq);
	}

	private Batch batch(byte[] body, long seq) {
		return new Batch(200, seq, body, this.closing ? this.closeCode : 0, this.closing ? this.closeReason : "");
	}

	/*
	 * Joins the queued frames into one body: a JSON array of the frames, or a MessagePack
	 * array of them, written around the already encoded bytes so nothing is encoded
	 * twice.
	 */
	private byte[] encode() {
		int count = this.queue.size();
		int size = (int) this.queue.bytes();
		byte[] header = codec().binary() ? msgpackArrayHeader(count) : new byte[] { '[' };
		int separators = codec().binary() ? 0 : count;
		byte[] body = new byte[header.length + size + separators];
		System.arraycopy(header, 0, body, 0, header.length);
		int offset = header.length;
		for (ByteBuf frame; (frame = this.queue.poll()) != null;) {
			if (!codec().binary() && offset > 1) {
				body[offset++] = ',';
			}
			int length = frame.readableBytes();
			frame.getBytes(frame.readerIndex(), body, offset, length);
			offset += length;
			frame.release();
		}
		if (!codec().binary()) {
			body[offset] = ']';
		}
		return body;
	}

	private byte[] emptyBody() {
		return codec().binary() ? EMPTY_MSGPACK : EMPTY_JSON;
	}

	private static byte[] msgpackArrayHeader(int count) {
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packArrayHeader(count);
			return packer.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close(int code, String reason) {
		if (!this.loop.inEventLoop()) {
			this.loop.execute(() -> close(code, reason));
			return;
		}
		if (this.closing) {
			return;
		}
		closingBecause(code, reason);
		this.closeCode = code;
		this.closeReason = reason;
		this.closing = true;
		this.onClose.accept(this);
		Consumer<Batch> waiting = this.waiting;
		if (waiting != null) {
			answer(waiting, nextBatch());
		}
	}

	/** Free what the session still holds once it is forgotten; on the event loop. */
	void release() {
		this.queue.clear();
		Consumer<Batch> waiting = this.waiting;
		if (waiting != null) {
			answer(waiting, Batch.error(404, "session ended"));
		}
	}

	@Override
	public boolean isOpen() {
		return !this.closing;
	}

	@Override
	public long queuedBytes() {
		return this.unackedBytes + this.queue.bytes();
	}

}
