package io.pushgateway.transport.socketio;

import java.net.InetAddress;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.transport.polling.Batch;
import org.jspecify.annotations.Nullable;

/**
 * One Engine.IO session: its packets out, over the carriage of the moment (long-polling
 * until the client upgrades to a WebSocket, or a WebSocket from the start), and the
 * client's packets in, handed to the transport. Packets out wait in one bounded queue
 * ({@link EngineIoOutbound}); a poll takes everything queued
 * ({@link EngineIoPollCarriage}), a writable WebSocket gets it frame by frame
 * ({@link EngineIoWebSocketCarriage}). The formats of both carriages are
 * {@link EngineIoPayloads}'s, the last packets {@link EngineIoClosing}'s, the heartbeat
 * {@link EngineIoTimers}'; what they share is an {@link EngineIoState}. State is confined
 * to the session's event loop, the loop of the request that opened it.
 *
 * @author Push Gateway team
 */
final class EngineIoSession {

	private static final byte[] PING = { '2' };

	private final long socketId;

	private final String sid;

	private final String secret;

	private final EventExecutor loop;

	private final GatewayMetrics metrics;

	private final Consumer<EngineIoSession> onClosed;

	private final @Nullable InetAddress remote;

	private final SocketIoAttachments attachments = new SocketIoAttachments();

	private final SocketIoAckIds ackIds = new SocketIoAckIds();

	private final EngineIoState state = new EngineIoState();

	private final EngineIoOutbound outbound;

	private final EngineIoPollCarriage polls;

	private final EngineIoWebSocketCarriage websockets;

	private final EngineIoClosing closing;

	private final EngineIoTimers timers;

	EngineIoSession(long socketId, String sid, String secret, EventExecutor loop, SocketIoSettings settings,
			GatewayMetrics metrics, @Nullable InetAddress remote, Consumer<EngineIoSession> onClosed) {
		this.socketId = socketId;
		this.sid = sid;
		this.secret = secret;
		this.loop = loop;
		this.metrics = metrics;
		this.remote = remote;
		this.onClosed = onClosed;
		this.outbound = new EngineIoOutbound(settings.maxQueuedBytes(), metrics, this.state);
		this.polls = new EngineIoPollCarriage(loop, this.outbound, this.state);
		this.websockets = new EngineIoWebSocketCarriage(loop, this.outbound, this.state);
		this.closing = new EngineIoClosing(settings, this.state, this.outbound, this.polls);
		this.timers = new EngineIoTimers(loop, settings, this.state);
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

	@Nullable PushConnection connection() {
		return this.state.connection();
	}

	SocketIoAckIds ackIds() {
		return this.ackIds;
	}

	/**
	 * The client's binary packet waiting for its attachment; on the loop.
	 * @return the session's attachments
	 */
	SocketIoAttachments attachments() {
		return this.attachments;
	}

	void connected(PushConnection connection) {
		this.state.connection(connection);
		this.timers.connected();
	}

	boolean isOpen() {
		return !this.state.closed();
	}

	/**
	 * Start the heartbeat and the deadline for the client's {@code CONNECT}; on the loop.
	 * @param onConnectTimeout what to do when the deadline passes without a CONNECT
	 */
	void start(Runnable onConnectTimeout) {
		this.timers.start(() -> {
			offerControl(PING);
			flush();
		}, onConnectTimeout);
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
		EngineIoOutbound.Offer offer = this.outbound.offer(packet, event, policy);
		if (offer == EngineIoOutbound.Offer.OVERFLOW) {
			slowConsumer();
		}
		return offer == EngineIoOutbound.Offer.TAKEN;
	}

	private void slowConsumer() {
		if (this.state.closing()) {
			return;
		}
		this.metrics.closed(CloseReason.SLOW_CONSUMER);
		PushConnection connection = this.state.connection();
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
		PushConnection connection = this.state.connection();
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
		Channel websocket = this.state.websocket();
		if (websocket != null) {
			this.websockets.drain(websocket);
			return;
		}
		this.polls.flush();
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
		if (!this.polls.poll(answer)) {
			closeByServer(CloseCodes.PROTOCOL_ERROR, "two polls at once");
		}
	}

	/**
	 * A WebSocket for this session sent the probe: answer it, end the waiting poll.
	 * @param websocket the probing WebSocket
	 */
	void probe(Channel websocket) {
		this.polls.probe(websocket);
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
		return this.polls.offerUpgrade(websocket);
	}

	/**
	 * The probing WebSocket sent the upgrade packet: from now on packets go there.
	 * @param websocket the WebSocket
	 */
	void upgrade(Channel websocket) {
		if (this.polls.upgrade(websocket)) {
			flush();
			this.closing.upgradedAfterClose(websocket);
		}
	}

	/**
	 * Serve the session over a WebSocket from the start (no polling).
	 * @param websocket the channel
	 */
	void useWebSocket(Channel websocket) {
		this.state.websocket(websocket);
	}

	/**
	 * The channel of the session's WebSocket, or {@code null} on long-polling.
	 * @return the channel
	 */
	@Nullable Channel websocket() {
		return this.state.websocket();
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
		if (this.closing.byServer(code, reason)) {
			flush();
			end();
		}
	}

	/** The client went away or closed the session; callable from any thread. */
	void closeByClient() {
		if (!this.loop.inEventLoop()) {
			this.loop.execute(this::closeByClient);
			return;
		}
		if (this.closing.byClient()) {
			end();
		}
	}

	private void end() {
		this.state.markClosed();
		this.polls.abandonUpgrade();
		this.timers.cancel();
		this.onClosed.accept(this);
	}

	/** Free what the session still holds once it is forgotten; on the loop. */
	void release() {
		this.outbound.clear();
	}

	long queuedBytes() {
		return this.outbound.bytes();
	}

}
