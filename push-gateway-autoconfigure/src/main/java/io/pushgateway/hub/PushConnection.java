package io.pushgateway.hub;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.metrics.Limit;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.spi.Session;
import org.jspecify.annotations.Nullable;

/**
 * One client connection, whatever its transport. Every connection lives on one event
 * loop; {@link #write} and {@link #flush} are called on that loop only, which is what
 * lets fan-out batch its writes per loop without locks.
 *
 * @author Push Gateway team
 */
public abstract class PushConnection implements Session {

	private final long socketId;

	private final PushPrincipal principal;

	private final FrameCodec codec;

	private volatile Set<String> guids;

	private volatile long lastSeen;

	/** The heartbeat interval announced to this connection; 0 for the base interval. */
	private volatile int heartbeatMillis;

	/** When the interval last changed (or the connection opened), epoch milliseconds. */
	private volatile long heartbeatSince;

	private static final int MAX_PONG_CODECS = 64;

	private static final Map<FrameCodec, PongFrames> PONGS = new ConcurrentHashMap<>();

	private static final AtomicIntegerFieldUpdater<PushConnection> IN_FLIGHT = AtomicIntegerFieldUpdater
		.newUpdater(PushConnection.class, "inFlight");

	/** Confined to the event loop: whether this connection awaits a flush in a batch. */
	boolean flushPending;

	/**
	 * Confined to the event loop: where this connection stands in each recoverable stream
	 * it follows, or {@code null} before the first.
	 */
	private @Nullable Map<String, StreamCursor> cursors;

	/** Confined to the event loop: pushes held back over all streams. */
	private int held;

	/** Upstream messages awaiting their handler. */
	private volatile int inFlight;

	/** The node holding this connection, set when the hub registers it; for logs. */
	String node = "";

	private @Nullable InetAddress remoteAddress;

	/** Confined to the thread handling the client's frames: the rate limit's state. */
	private long rateWindowStart;

	private int rateMessages;

	private long rateBytes;

	private volatile int serverCloseCode;

	private volatile @Nullable String serverCloseReason;

	protected PushConnection(long socketId, PushPrincipal principal, Set<String> guids, FrameCodec codec, long now) {
		this.socketId = socketId;
		this.principal = principal;
		this.guids = Set.copyOf(guids);
		this.codec = codec;
		this.lastSeen = now;
		this.heartbeatSince = now;
		this.rateWindowStart = System.nanoTime();
	}

	/**
	 * The socket ID.
	 * @return the socket ID
	 */
	@Override
	public final long socketId() {
		return this.socketId;
	}

	/**
	 * The user ID.
	 * @return the user ID
	 */
	@Override
	public final String uid() {
		return this.principal.uid();
	}

	/**
	 * Who authenticated this connection.
	 * @return the principal
	 */
	public final PushPrincipal principal() {
		return this.principal;
	}

	/**
	 * The negotiated codec.
	 * @return the codec
	 */
	public final FrameCodec codec() {
		return this.codec;
	}

	/**
	 * The GUIDs this connection is attached to.
	 * @return an immutable snapshot
	 */
	@Override
	public final Set<String> guids() {
		return this.guids;
	}

	final void guids(Set<String> guids) {
		this.guids = guids;
	}

	/**
	 * When a frame last arrived from the client.
	 * @return epoch milliseconds
	 */
	@Override
	public final long lastSeen() {
		return this.lastSeen;
	}

	/**
	 * Record that the client was seen.
	 * @param now epoch milliseconds
	 */
	public final void touch(long now) {
		this.lastSeen = now;
	}

	/**
	 * The heartbeat interval announced to this connection.
	 * @return milliseconds, or 0 for the base interval of the {@code welcome}
	 */
	public final int heartbeatMillis() {
		return this.heartbeatMillis;
	}

	final long heartbeatSince() {
		return this.heartbeatSince;
	}

	final void heartbeat(int millis, long now) {
		this.heartbeatMillis = millis;
		this.heartbeatSince = now;
	}

	/**
	 * This connection's cursor in a stream; on the event loop.
	 * @param stream the stream key
	 * @return the cursor, or {@code null} when the connection does not follow the stream
	 */
	final @Nullable StreamCursor cursor(String stream) {
		return (this.cursors != null) ? this.cursors.get(stream) : null;
	}

	/**
	 * Start following a stream (again), from no position; on the event loop. The cursors
	 * of GUIDs the connection left are dropped here, so they stay as many as its streams.
	 * @param stream the stream key
	 * @return the new cursor
	 */
	final StreamCursor newCursor(String stream) {
		if (this.cursors == null) {
			this.cursors = new HashMap<>(2);
		}
		else if (this.cursors.size() > this.guids.size() + 8) {
			Set<String> guids = this.guids;
			this.cursors.entrySet().removeIf((entry) -> {
				boolean left = entry.getKey().startsWith("guid:") && !guids.contains(entry.getKey().substring(5));
				if (left) {
					entry.getValue().cancelTimer();
					this.held -= entry.getValue().heldCount();
				}
				return left;
			});
		}
		StreamCursor cursor = new StreamCursor();
		StreamCursor previous = this.cursors.put(stream, cursor);
		if (previous != null) {
			previous.cancelTimer();
			this.held -= previous.heldCount();
		}
		return cursor;
	}

	/**
	 * Count pushes held back (or released, with a negative count); on the event loop.
	 * @param count how many
	 * @param max the most this connection may hold
	 * @return {@code false} if holding them would pass the bound
	 */
	final boolean addHeld(int count, int max) {
		if (count > 0 && this.held + count > max) {
			return false;
		}
		this.held += count;
		return true;
	}

	final boolean tryAcquireInFlight(int max) {
		while (true) {
			int current = this.inFlight;
			if (current >= max) {
				return false;
			}
			if (IN_FLIGHT.compareAndSet(this, current, current + 1)) {
				return true;
			}
		}
	}

	final void releaseInFlight() {
		IN_FLIGHT.decrementAndGet(this);
	}

	/**
	 * The event loop this connection lives on.
	 * @return the event loop
	 */
	public abstract EventExecutor eventLoop();

	/**
	 * The client's address, as the transport saw it.
	 * @return the address, or {@code null} when unknown
	 */
	public final @Nullable InetAddress remoteAddress() {
		return this.remoteAddress;
	}

	/**
	 * Set the client's address; transports do before registering the connection.
	 * @param remoteAddress the address
	 */
	public final void setRemoteAddress(@Nullable InetAddress remoteAddress) {
		this.remoteAddress = remoteAddress;
	}

	/**
	 * Count a frame from the client against the per-connection rate limits, in one-second
	 * windows.
	 * @param bytes the frame's size
	 * @param maxMessages messages allowed per second, or {@code 0} for no limit
	 * @param maxBytes bytes allowed per second, or {@code 0} for no limit
	 * @param nanos the current {@link System#nanoTime()}
	 * @return {@code null} when within the limits, otherwise the limit passed:
	 * {@link Limit#MESSAGES_PER_SECOND} or {@link Limit#BYTES_PER_SECOND}
	 */
	public final synchronized @Nullable Limit countFrame(int bytes, int maxMessages, long maxBytes, long nanos) {
		// synchronized: long-polling sends may arrive on several event loops at once
		if (nanos - this.rateWindowStart >= 1_000_000_000L) {
			this.rateWindowStart = nanos;
			this.rateMessages = 0;
			this.rateBytes = 0;
		}
		this.rateMessages++;
		this.rateBytes += bytes;
		if (maxMessages > 0 && this.rateMessages > maxMessages) {
			return Limit.MESSAGES_PER_SECOND;
		}
		if (maxBytes > 0 && this.rateBytes > maxBytes) {
			return Limit.BYTES_PER_SECOND;
		}
		return null;
	}

	/**
	 * Transports call this once they decided to close the connection, before the close
	 * frame or response: it is logged with the connection's IDs.
	 * @param code the close code
	 * @param reason the reason
	 */
	protected final void closingBecause(int code, String reason) {
		if (this.serverCloseCode == 0) {
			this.serverCloseCode = code;
			this.serverCloseReason = reason;
			ConnectionLog.closing(this, this.node, code, reason);
		}
	}

	/**
	 * The close code the server closed this connection with.
	 * @return the code, or {@code 0} while open or when the client closed it
	 */
	public final int serverCloseCode() {
		return this.serverCloseCode;
	}

	/**
	 * The reason the server closed this connection with.
	 * @return the reason, or {@code null}
	 */
	public final @Nullable String serverCloseReason() {
		return this.serverCloseReason;
	}

	/**
	 * The transport, for operators.
	 * @return {@code websocket}, {@code sse} or {@code polling}
	 */
	public String transport() {
		return "websocket";
	}

	/**
	 * Queue an encoded frame without flushing; called on {@link #eventLoop()}. Takes
	 * ownership of the buffer. When the frame would overflow the outbound queue the
	 * connection is closed with {@link CloseCodes#SLOW_CONSUMER} instead.
	 * @param frame the encoded frame for this connection's codec
	 * @return {@code false} if the frame was dropped because the connection is closed or
	 * overflowed
	 */
	public abstract boolean write(ByteBuf frame);

	/**
	 * Write a push's frame, not yet flushed, under the slow-consumer policy of its event.
	 * Transports without a queue of their own write it as any frame.
	 * @param frame the encoded frame, whose reference this method takes over
	 * @param event the push's event name (the conflation key)
	 * @param policy what to do when the connection is too slow for it
	 * @return {@code true} if the frame was written or queued, {@code false} if it was
	 * dropped or the connection is closing
	 */
	public boolean writePush(ByteBuf frame, String event, SlowConsumerPolicy policy) {
		return write(frame);
	}

	/**
	 * Write a push given as its encoded frame and, for a connection that
	 * {@link #writesWebSocketFrames() writes WebSocket frames}, as the whole WebSocket
	 * frame (header and payload), which is the same bytes for every recipient because a
	 * server's frames are not masked. Neither reference is taken over: the connection
	 * retains what it writes. By default the frame is written as by
	 * {@link #writePush(ByteBuf, String, SlowConsumerPolicy)}.
	 * @param frame the encoded frame, shared by every recipient
	 * @param webSocketFrame the whole WebSocket frame, shared too, or {@code null}
	 * @param event the push's event name (the conflation key)
	 * @param policy what to do when the connection is too slow for it
	 * @return {@code true} if the push was written or queued, {@code false} if it was
	 * dropped or the connection is closing
	 */
	public boolean writePush(ByteBuf frame, @Nullable ByteBuf webSocketFrame, String event, SlowConsumerPolicy policy) {
		return writePush(frame.retainedDuplicate(), event, policy);
	}

	/**
	 * Whether this connection writes a push best as a whole WebSocket frame encoded once
	 * for all recipients.
	 * @return {@code true} for WebSocket connections
	 */
	public boolean writesWebSocketFrames() {
		return false;
	}

	/**
	 * Flush queued frames; called on {@link #eventLoop()}.
	 */
	public abstract void flush();

	/**
	 * Close the connection with a close code; callable from any thread.
	 * @param code the close code
	 * @param reason the reason
	 */
	public abstract void close(int code, String reason);

	/**
	 * Whether the connection is open.
	 * @return {@code true} until it closes
	 */
	public abstract boolean isOpen();

	/**
	 * How many outbound bytes wait to be written to the socket.
	 * @return the byte count
	 */
	public abstract long queuedBytes();

	/**
	 * Encode and send a control frame; callable from any thread.
	 * @param frame the frame
	 */
	public final void send(ServerFrame frame) {
		EventExecutor loop = eventLoop();
		if (loop.inEventLoop()) {
			sendNow(frame);
		}
		else {
			loop.execute(() -> sendNow(frame));
		}
	}

	private void sendNow(ServerFrame frame) {
		if (frame instanceof ServerFrame.Pong && sendPong()) {
			return;
		}
		byte[] bytes = this.codec.encode(frame);
		if (write(Unpooled.wrappedBuffer(bytes))) {
			flush();
			controlFrameSent(frame, bytes.length);
		}
	}

	/*
	 * A pong is the same bytes on every connection of a codec: its frame and its whole
	 * WebSocket frame are built once per codec and written like a push's, so answering a
	 * heartbeat allocates no buffer of its own. Codecs are a few beans per application;
	 * past MAX_PONG_CODECS (an application creating codecs per connection) pongs are
	 * encoded per call, so the cache cannot grow without bound. Returns false then.
	 */
	private boolean sendPong() {
		PongFrames pong = PONGS.get(this.codec);
		if (pong == null) {
			if (PONGS.size() >= MAX_PONG_CODECS) {
				return false;
			}
			pong = PONGS.computeIfAbsent(this.codec, PongFrames::of);
		}
		boolean written = writesWebSocketFrames()
				? writePush(pong.frame(), pong.webSocketFrame(), "pong", SlowConsumerPolicy.CLOSE)
				: write(pong.frame().retainedDuplicate());
		if (written) {
			flush();
			controlFrameSent(ServerFrame.Pong.INSTANCE, pong.frame().readableBytes());
		}
		return true;
	}

	/**
	 * Called after a control frame was written, for metrics.
	 * @param frame the frame
	 * @param bytes its encoded size
	 */
	protected void controlFrameSent(ServerFrame frame, int bytes) {
	}

	/**
	 * The protocol name of a control frame's type, as in {@code docs/protocol.md}.
	 * @param frame the frame
	 * @return the type
	 */
	protected static String typeOf(ServerFrame frame) {
		return ServerFrame.typeOf(frame);
	}

	@Override
	public String toString() {
		return "PushConnection[sid=" + this.socketId + ", uid=" + uid() + "]";
	}

	/** A codec's pong, as its frame and as a whole WebSocket frame; never released. */
	private record PongFrames(ByteBuf frame, ByteBuf webSocketFrame) {

		static PongFrames of(FrameCodec codec) {
			byte[] bytes = codec.encode(ServerFrame.Pong.INSTANCE);
			return new PongFrames(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes)), Unpooled
				.unreleasableBuffer(FanOut.webSocketFrame(UnpooledByteBufAllocator.DEFAULT, codec.binary(), bytes)));
		}

	}

}
