package io.pushgateway.hub;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.spi.Session;
import org.jspecify.annotations.Nullable;

/**
 * One client connection, whatever its transport. Every connection lives on one event
 * loop; {@link #write} and {@link #flush} are called on that loop only, which is what
 * lets fan-out batch its writes per loop without locks. Its jobs beside writing are
 * collaborators': the limits on what the client sends ({@link InboundLimits}), its place
 * in recoverable streams ({@link StreamCursors}), the heartbeat announced to it
 * ({@link AnnouncedHeartbeat}), its pongs ({@link PongFrames}), and the log of its close
 * ({@link ServerClose}, {@link ConnectionLog}).
 *
 * @author Push Gateway team
 */
public abstract class PushConnection implements Session {

	private final long socketId;

	/* Replaced when the client refreshes its credential (CredentialRefresh). */
	private volatile PushPrincipal principal;

	/* The expiry (ms) the server last asked a fresh credential for; 0 before it asked. */
	private volatile long refreshAskedFor;

	/* Whether a refresh of this connection is being verified. */
	private final AtomicBoolean refreshing = new AtomicBoolean();

	private final FrameCodec codec;

	private volatile Set<String> guids;

	private volatile long lastSeen;

	private final AnnouncedHeartbeat heartbeat;

	/** Confined to the event loop: whether this connection awaits a flush in a batch. */
	boolean flushPending;

	/** Confined to the event loop: created when it follows its first stream. */
	private @Nullable StreamCursors streams;

	private final InboundLimits inbound;

	/** The node holding this connection, set when the hub registers it; for logs. */
	String node = "";

	private @Nullable InetAddress remoteAddress;

	/** How the server closed it, or {@code null}. */
	private volatile @Nullable ServerClose serverClose;

	protected PushConnection(long socketId, PushPrincipal principal, Set<String> guids, FrameCodec codec, long now) {
		this.socketId = socketId;
		this.principal = principal;
		this.guids = Set.copyOf(guids);
		this.codec = codec;
		this.lastSeen = now;
		this.heartbeat = new AnnouncedHeartbeat(now);
		this.inbound = new InboundLimits(System.nanoTime());
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
	 * Go on under a fresh credential of the same user.
	 * @param fresh the verified credential
	 */
	final void refreshed(PushPrincipal fresh) {
		this.principal = fresh;
	}

	/**
	 * Record that the server asks for a credential to replace one expiring at a time.
	 * @param expiresAt the expiry, in milliseconds since the epoch
	 * @return {@code true} the first time for this expiry
	 */
	final boolean askRefresh(long expiresAt) {
		if (this.refreshAskedFor == expiresAt) {
			return false;
		}
		this.refreshAskedFor = expiresAt;
		return true;
	}

	/**
	 * Begin or end verifying a refresh: one at a time per connection.
	 * @param begin {@code true} to begin, {@code false} to end
	 * @return whether it began ({@code false} when one is already being verified)
	 */
	final boolean refreshing(boolean begin) {
		if (begin) {
			return this.refreshing.compareAndSet(false, true);
		}
		this.refreshing.set(false);
		return false;
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
	 * @return the interval and since when
	 */
	final AnnouncedHeartbeat heartbeat() {
		return this.heartbeat;
	}

	/**
	 * Where this connection stands in the recoverable streams it follows; on the event
	 * loop.
	 * @return its cursors
	 */
	final StreamCursors streams() {
		StreamCursors streams = this.streams;
		if (streams == null) {
			streams = new StreamCursors();
			this.streams = streams;
		}
		return streams;
	}

	/**
	 * What the client sent, counted against the per-connection limits.
	 * @return its counts
	 */
	final InboundLimits inbound() {
		return this.inbound;
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
	@Override
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
	 * Transports call this once they decided to close the connection, before the close
	 * frame or response: it is logged with the connection's IDs.
	 * @param code the close code
	 * @param reason the reason
	 */
	protected final void closingBecause(int code, String reason) {
		if (this.serverClose == null) {
			this.serverClose = new ServerClose(code, reason);
			ConnectionLog.closing(this.socketId, uid(), this.node, code, reason);
		}
	}

	/**
	 * How the server closed this connection.
	 * @return the close, or {@code null} while open or when the client closed it
	 */
	final @Nullable ServerClose serverClose() {
		return this.serverClose;
	}

	/**
	 * The transport, for operators.
	 * @return {@code websocket}, {@code sse}, {@code polling} or {@code socketio}
	 */
	@Override
	public String transport() {
		return "websocket";
	}

	/**
	 * The frame protocol: the subprotocol of its codec.
	 * @return the protocol's name
	 */
	@Override
	public String protocol() {
		return this.codec.subprotocol();
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
	 * Write a push given as its encoded frame and, for a connection with a
	 * {@link #preFraming() pre-framing}, as its transport's whole frame built once for
	 * every recipient. Neither reference is taken over: the connection retains what it
	 * writes. By default the frame is written as by
	 * {@link #writePush(ByteBuf, String, SlowConsumerPolicy)}.
	 * @param frame the encoded frame, shared by every recipient
	 * @param preFramed the frame built by this connection's {@link #preFraming()}, shared
	 * too, or {@code null}
	 * @param event the push's event name (the conflation key)
	 * @param policy what to do when the connection is too slow for it
	 * @return {@code true} if the push was written or queued, {@code false} if it was
	 * dropped or the connection is closing
	 */
	public boolean writePush(ByteBuf frame, @Nullable ByteBuf preFramed, String event, SlowConsumerPolicy policy) {
		return writePush(frame.retainedDuplicate(), event, policy);
	}

	/**
	 * How this connection's transport frames what is the same bytes for every recipient,
	 * so that it is built once for all of them (a WebSocket's whole frame).
	 * @return the framing, or {@code null} (the default) when the connection writes the
	 * encoded frame itself
	 */
	public @Nullable PreFraming preFraming() {
		return null;
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

	/* Returns false when the pong is to be encoded per call (see PongFrames). */
	private boolean sendPong() {
		PreFraming framing = preFraming();
		PongFrames.Pong pong = PongFrames.of(this.codec, framing);
		if (pong == null) {
			return false;
		}
		boolean written = (framing != null) ? writePush(pong.frame(), pong.framed(), "pong", SlowConsumerPolicy.CLOSE)
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

	@Override
	public String toString() {
		return "PushConnection[sid=" + this.socketId + ", uid=" + uid() + "]";
	}

}
