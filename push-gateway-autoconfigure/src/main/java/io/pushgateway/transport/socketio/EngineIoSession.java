package io.pushgateway.transport.socketio;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.codec.SocketIoFrameCodec;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.SlowConsumerQueue;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.transport.polling.Batch;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;

/**
 * One Engine.IO session: its packets out, over the carriage of the moment (long-polling
 * until the client upgrades to a WebSocket, or a WebSocket from the start), and the
 * client's packets in, handed to the transport. Packets out wait in one queue bounded by
 * {@code maxQueuedBytes}, where the slow-consumer policies of pushes apply, as on the
 * other transports: a poll takes everything queued (joined with Engine.IO's record
 * separator), a writable WebSocket gets it frame by frame. The formats of both carriages
 * are {@link EngineIoPayloads}'s, the upgrade's steps {@link EngineIoUpgrade}'s. State is
 * confined to the session's event loop, the loop of the request that opened it.
 *
 * @author Push Gateway team
 */
final class EngineIoSession {

	private static final byte[] PING = { '2' };

	private static final byte[] CLOSE = { '1' };

	/** Close codes after which a Socket.IO client must not reconnect by itself. */
	private static final int[] FINAL_CODES = { CloseCodes.REPLACED, CloseCodes.MALFORMED_FRAME,
			CloseCodes.UNSUPPORTED_DATA, CloseCodes.INVALID_PAYLOAD, CloseCodes.MESSAGE_TOO_BIG };

	private final long socketId;

	private final String sid;

	private final String secret;

	private final EventExecutor loop;

	private final SocketIoSettings settings;

	private final GatewayMetrics metrics;

	private final Consumer<EngineIoSession> onClosed;

	private final SlowConsumerQueue queue;

	private final @Nullable InetAddress remote;

	private final EngineIoUpgrade upgrade = new EngineIoUpgrade();

	private final SocketIoAttachments attachments = new SocketIoAttachments();

	private @Nullable Channel websocket;

	private @Nullable Consumer<Batch> waiting;

	private @Nullable SocketIoConnection connection;

	private @Nullable ScheduledFuture<?> ping;

	private @Nullable ScheduledFuture<?> connectTimeout;

	private volatile boolean closed;

	/** The server decided to close: the last packets are on their way. */
	private boolean closing;

	private boolean closeFrameSent;

	private boolean drainHandlerAdded;

	EngineIoSession(long socketId, String sid, String secret, EventExecutor loop, SocketIoSettings settings,
			GatewayMetrics metrics, @Nullable InetAddress remote, Consumer<EngineIoSession> onClosed) {
		this.socketId = socketId;
		this.sid = sid;
		this.secret = secret;
		this.loop = loop;
		this.settings = settings;
		this.metrics = metrics;
		this.remote = remote;
		this.onClosed = onClosed;
		this.queue = new SlowConsumerQueue(metrics);
	}

	long socketId() {
		return this.socketId;
	}

	String sid() {
		return this.sid;
	}

	String secret() {
		return this.secret;
	}

	EventExecutor eventLoop() {
		return this.loop;
	}

	@Nullable InetAddress remoteAddress() {
		return this.remote;
	}

	@Nullable SocketIoConnection connection() {
		return this.connection;
	}

	/**
	 * The client's binary packet waiting for its attachment; on the loop.
	 * @return the session's attachments
	 */
	SocketIoAttachments attachments() {
		return this.attachments;
	}

	void connected(SocketIoConnection connection) {
		this.connection = connection;
		ScheduledFuture<?> timeout = this.connectTimeout;
		if (timeout != null) {
			timeout.cancel(false);
		}
	}

	boolean isOpen() {
		return !this.closed;
	}

	/**
	 * Start the heartbeat and the deadline for the client's {@code CONNECT}; on the loop.
	 * @param onConnectTimeout what to do when the deadline passes without a CONNECT
	 */
	void start(Runnable onConnectTimeout) {
		long interval = this.settings.pingInterval().toMillis();
		this.ping = this.loop.scheduleAtFixedRate(() -> {
			if (!this.closed) {
				offerControl(PING);
				flush();
			}
		}, interval, interval, TimeUnit.MILLISECONDS);
		this.connectTimeout = this.loop.schedule(() -> {
			if (this.connection == null && !this.closed) {
				onConnectTimeout.run();
			}
		}, this.settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Queue an Engine.IO packet of the server's own (open, ping, noop); on the loop.
	 * @param packet the packet's text
	 */
	void offerControl(byte[] packet) {
		offer(Unpooled.wrappedBuffer(packet), null, SlowConsumerPolicy.CLOSE);
	}

	/**
	 * Queue a packet; on the loop. Takes the buffer over.
	 * @param packet an encoded packet, or a composite with attachments
	 * @param event the push's event, for conflation, or {@code null}
	 * @param policy what to do when the client reads too slowly
	 * @return {@code false} if it was dropped or the session is closing
	 */
	boolean offer(ByteBuf packet, @Nullable String event, SlowConsumerPolicy policy) {
		if (this.closed) {
			packet.release();
			return false;
		}
		Channel websocket = this.websocket;
		ChannelOutboundBuffer buffer = (websocket != null) ? websocket.unsafe().outboundBuffer() : null;
		long pending = (buffer != null) ? buffer.totalPendingWriteBytes() : 0;
		if (websocket != null && this.queue.isEmpty() && websocket.isWritable()) {
			if (pending + packet.readableBytes() > this.settings.maxQueuedBytes()) {
				packet.release();
				slowConsumer();
				return false;
			}
			EngineIoPayloads.write(websocket, packet);
			return true;
		}
		if (this.queue.offer(packet, event, policy, this.settings.maxQueuedBytes() - pending)) {
			return true;
		}
		if (policy == SlowConsumerPolicy.CLOSE) {
			slowConsumer();
		}
		return false;
	}

	private void slowConsumer() {
		if (this.closing) {
			return;
		}
		this.metrics.closed(CloseReason.SLOW_CONSUMER);
		SocketIoConnection connection = this.connection;
		if (connection != null) {
			connection.close(CloseCodes.SLOW_CONSUMER, "outbound queue overflow");
		}
		else {
			closeByServer(CloseCodes.SLOW_CONSUMER, "outbound queue overflow");
		}
	}

	/**
	 * End the session for a packet the client should not have sent; on the loop.
	 * @param reason what was wrong with it
	 */
	void malformed(String reason) {
		this.metrics.closed(CloseReason.MALFORMED_FRAME);
		SocketIoConnection connection = this.connection;
		if (connection != null) {
			connection.close(CloseCodes.MALFORMED_FRAME, "malformed packet: " + reason);
		}
		else {
			closeByServer(CloseCodes.MALFORMED_FRAME, "malformed packet: " + reason);
		}
	}

	/**
	 * Send what is queued: answer a waiting poll, or write to the WebSocket; on the loop.
	 */
	void flush() {
		Channel websocket = this.websocket;
		if (websocket != null) {
			drain(websocket);
			return;
		}
		Consumer<Batch> waiting = this.waiting;
		if (waiting != null && !this.queue.isEmpty()) {
			this.waiting = null;
			waiting.accept(new Batch(200, 0, takePayload(), 0, ""));
		}
	}

	private void drain(Channel websocket) {
		for (ByteBuf packet; websocket.isWritable() && (packet = this.queue.poll()) != null;) {
			EngineIoPayloads.write(websocket, packet);
		}
		if (this.queue.isEmpty()) {
			reportDropped();
		}
		else {
			addDrainHandler(websocket);
		}
		if (this.closing && this.queue.isEmpty() && !this.closeFrameSent) {
			// everything before it was written: end the WebSocket
			this.closeFrameSent = true;
			websocket.write(new CloseWebSocketFrame(1000, ""), websocket.voidPromise());
		}
		// packets written straight to a writable channel wait for this flush too
		websocket.flush();
	}

	private void addDrainHandler(Channel websocket) {
		if (this.drainHandlerAdded) {
			return;
		}
		this.drainHandlerAdded = true;
		Connection.from(websocket).addHandlerLast("push-gateway-engine-io-drain", new ChannelInboundHandlerAdapter() {

			@Override
			public void channelWritabilityChanged(ChannelHandlerContext context) {
				if (context.channel().isWritable()) {
					EngineIoSession.this.loop.execute(EngineIoSession.this::flush);
				}
				context.fireChannelWritabilityChanged();
			}

		});
	}

	/* The queued packets as one polling payload; what the queue dropped is reported. */
	private byte[] takePayload() {
		byte[] payload = EngineIoPayloads.join(this.queue);
		// reported with the next payload
		reportDropped();
		return payload;
	}

	/* Tell the client how many pushes the queue dropped since it was last told. */
	private void reportDropped() {
		long dropped = this.queue.takeDropped();
		SocketIoConnection connection = this.connection;
		if (dropped > 0 && connection != null && !this.closing) {
			connection.send(new ServerFrame.Dropped(dropped));
		}
	}

	/**
	 * A long-polling {@code GET}: answered at once when packets wait, otherwise with the
	 * next packet (at the latest the next ping); on any thread.
	 * @param answer receives the answer, exactly once
	 */
	void poll(Consumer<Batch> answer) {
		if (!this.loop.inEventLoop()) {
			this.loop.execute(() -> poll(answer));
			return;
		}
		if (this.closed) {
			// what the server said last (why it closed, the close packet), then nothing
			answer.accept(this.queue.isEmpty() ? Batch.error(400, EngineIoErrors.UNKNOWN_SID)
					: new Batch(200, 0, takePayload(), 0, ""));
			return;
		}
		if (this.websocket != null) {
			// upgraded: the last poll is answered with a noop, later ones are refused
			answer.accept(Batch.error(400, EngineIoErrors.BAD_REQUEST));
			return;
		}
		if (this.waiting != null) {
			// Engine.IO allows one poll at a time: a second one ends the session
			Consumer<Batch> previous = this.waiting;
			this.waiting = null;
			previous.accept(Batch.error(400, EngineIoErrors.BAD_REQUEST));
			answer.accept(Batch.error(400, EngineIoErrors.BAD_REQUEST));
			closeByServer(CloseCodes.PROTOCOL_ERROR, "two polls at once");
			return;
		}
		if (this.upgrade.probing()) {
			// upgrading: a poll that came after the probe is answered at once (with a
			// noop), so the client can pause long-polling and send the upgrade packet
			answer.accept(new Batch(200, 0, withNoop(), 0, ""));
			return;
		}
		if (!this.queue.isEmpty()) {
			answer.accept(new Batch(200, 0, takePayload(), 0, ""));
			return;
		}
		this.waiting = answer;
	}

	/* What is queued, then a noop: the answer to a poll during an upgrade. */
	private byte[] withNoop() {
		return EngineIoPayloads.withNoop(this.queue.isEmpty() ? new byte[0] : takePayload());
	}

	/**
	 * A WebSocket for this session sent the probe: answer it, end the waiting poll.
	 * @param websocket the probing WebSocket
	 */
	void probe(Channel websocket) {
		if (!this.upgrade.probe(websocket)) {
			return;
		}
		Consumer<Batch> waiting = this.waiting;
		if (waiting != null) {
			this.waiting = null;
			// what is queued goes with the noop, so nothing waits for the WebSocket
			waiting.accept(new Batch(200, 0, withNoop(), 0, ""));
		}
	}

	/**
	 * A WebSocket asks to upgrade this session; on the loop. It is taken when the session
	 * is open, not on a WebSocket yet and has no other upgrade under way; it must carry
	 * the session within the upgrade timeout (Engine.IO's {@code upgradeTimeout}), or it
	 * is closed. When the session ends, so does the WebSocket.
	 * @param websocket the WebSocket
	 * @return {@code false} when it is refused (the caller closes it)
	 */
	boolean offerUpgrade(Channel websocket) {
		if (this.closed || this.closing || this.websocket != null || this.upgrade.underWay()) {
			return false;
		}
		this.upgrade.offered(websocket);
		this.loop.schedule(() -> {
			if (this.websocket != websocket) {
				websocket.close();
			}
		}, EngineIoUpgrade.TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
		return true;
	}

	/**
	 * The probing WebSocket sent the upgrade packet: from now on packets go there.
	 * @param websocket the WebSocket
	 */
	void upgrade(Channel websocket) {
		if (!this.upgrade.complete(websocket)) {
			return;
		}
		this.websocket = websocket;
		flush();
	}

	/**
	 * Serve the session over a WebSocket from the start (no polling).
	 * @param websocket the channel
	 */
	void useWebSocket(Channel websocket) {
		this.websocket = websocket;
	}

	/**
	 * The channel of the session's WebSocket, or {@code null} on long-polling.
	 * @return the channel
	 */
	@Nullable Channel websocket() {
		return this.websocket;
	}

	/**
	 * End the session as the server decided: the client hears why
	 * ({@code gateway:close}), then a Socket.IO {@code DISCONNECT} when it must not
	 * reconnect by itself, then Engine.IO's close; callable from any thread.
	 * @param code the close code
	 * @param reason the reason
	 */
	void closeByServer(int code, String reason) {
		if (!this.loop.inEventLoop()) {
			this.loop.execute(() -> closeByServer(code, reason));
			return;
		}
		if (this.closed || this.closing) {
			return;
		}
		this.closing = true;
		// the last packets go whatever the bound: a slow consumer reads them after what
		// it has not read yet, or the close timeout ends the connection first
		if (this.connection != null) {
			this.queue.offer(Unpooled.wrappedBuffer(SocketIoFrameCodec.PLAIN.encodeClose(code, reason)), null,
					SlowConsumerPolicy.CLOSE, Long.MAX_VALUE);
		}
		for (int finalCode : FINAL_CODES) {
			if (finalCode == code) {
				this.queue.offer(Unpooled.wrappedBuffer(new byte[] { '4', '1' }), null, SlowConsumerPolicy.CLOSE,
						Long.MAX_VALUE);
			}
		}
		this.queue.offer(Unpooled.wrappedBuffer(CLOSE), null, SlowConsumerPolicy.CLOSE, Long.MAX_VALUE);
		Channel websocket = this.websocket;
		if (websocket != null) {
			websocket.eventLoop()
				.schedule(() -> websocket.close(), this.settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		flush();
		end();
	}

	/** The client went away or closed the session; callable from any thread. */
	void closeByClient() {
		if (!this.loop.inEventLoop()) {
			this.loop.execute(this::closeByClient);
			return;
		}
		if (this.closed) {
			return;
		}
		Channel websocket = this.websocket;
		if (websocket != null) {
			websocket.close();
		}
		Consumer<Batch> waiting = this.waiting;
		if (waiting != null) {
			this.waiting = null;
			waiting.accept(new Batch(200, 0, CLOSE, 0, ""));
		}
		end();
	}

	private void end() {
		this.closed = true;
		this.upgrade.abandon(this.websocket);
		ScheduledFuture<?> ping = this.ping;
		if (ping != null) {
			ping.cancel(false);
		}
		ScheduledFuture<?> timeout = this.connectTimeout;
		if (timeout != null) {
			timeout.cancel(false);
		}
		this.onClosed.accept(this);
	}

	/** Free what the session still holds once it is forgotten; on the loop. */
	void release() {
		this.queue.clear();
	}

	long queuedBytes() {
		Channel websocket = this.websocket;
		ChannelOutboundBuffer buffer = (websocket != null) ? websocket.unsafe().outboundBuffer() : null;
		return this.queue.bytes() + ((buffer != null) ? buffer.totalPendingWriteBytes() : 0);
	}

}
