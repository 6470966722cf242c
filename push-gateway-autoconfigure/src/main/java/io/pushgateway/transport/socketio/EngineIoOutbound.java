package io.pushgateway.transport.socketio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.transport.SlowConsumerQueue;
import org.jspecify.annotations.Nullable;

/**
 * An Engine.IO session's packets out: one queue bounded by {@code maxQueuedBytes}, with
 * what the session's WebSocket has not written yet, where the slow-consumer policies of
 * pushes apply, as on the other transports. A packet goes straight to a writable
 * WebSocket when nothing waits before it; the client is told how many pushes the queue
 * dropped with what follows them. Confined to the session's event loop.
 *
 * @author Push Gateway team
 */
final class EngineIoOutbound {

	private final SlowConsumerQueue queue;

	private final long maxQueuedBytes;

	private final EngineIoState state;

	/**
	 * The packets out of one session.
	 * @param maxQueuedBytes the bound of the queue
	 * @param metrics the meters
	 * @param state the session's state
	 */
	EngineIoOutbound(long maxQueuedBytes, GatewayMetrics metrics, EngineIoState state) {
		this.queue = new SlowConsumerQueue(metrics);
		this.maxQueuedBytes = maxQueuedBytes;
		this.state = state;
	}

	/**
	 * Queue a packet, or write it to the WebSocket when nothing waits. Takes the buffer
	 * over.
	 * @param packet an encoded packet, or a composite with attachments
	 * @param event the push's event, for conflation, or {@code null}
	 * @param policy what to do when the client reads too slowly
	 * @return what became of it
	 */
	Offer offer(ByteBuf packet, @Nullable String event, SlowConsumerPolicy policy) {
		if (this.state.closed()) {
			packet.release();
			return Offer.DROPPED;
		}
		Channel websocket = this.state.websocket();
		long pending = pendingWriteBytes(websocket);
		if (websocket != null && this.queue.isEmpty() && websocket.isWritable()) {
			if (pending + packet.readableBytes() > this.maxQueuedBytes) {
				packet.release();
				return Offer.OVERFLOW;
			}
			EngineIoPayloads.write(websocket, packet);
			return Offer.TAKEN;
		}
		if (this.queue.offer(packet, event, policy, this.maxQueuedBytes - pending)) {
			return Offer.TAKEN;
		}
		return (policy == SlowConsumerPolicy.CLOSE) ? Offer.OVERFLOW : Offer.DROPPED;
	}

	/**
	 * Queue one of the last packets of a closing session, whatever the bound: a slow
	 * consumer reads them after what it has not read yet.
	 * @param packet the packet's bytes
	 */
	void offerLast(byte[] packet) {
		this.queue.offer(Unpooled.wrappedBuffer(packet), null, SlowConsumerPolicy.CLOSE, Long.MAX_VALUE);
	}

	boolean isEmpty() {
		return this.queue.isEmpty();
	}

	/**
	 * The next queued packet, which the caller releases or writes.
	 * @return the packet, or {@code null} when none waits
	 */
	@Nullable ByteBuf poll() {
		return this.queue.poll();
	}

	/**
	 * The queued packets as one polling payload; what the queue dropped is reported.
	 * @return the payload
	 */
	byte[] takePayload() {
		byte[] payload = EngineIoPayloads.join(this.queue);
		// reported with the next payload
		reportDropped();
		return payload;
	}

	/**
	 * What is queued, then a noop: the answer to a poll during an upgrade.
	 * @return the payload
	 */
	byte[] withNoop() {
		return EngineIoPayloads.withNoop(this.queue.isEmpty() ? new byte[0] : takePayload());
	}

	/** Tell the client how many pushes the queue dropped since it was last told. */
	void reportDropped() {
		long dropped = this.queue.takeDropped();
		PushConnection connection = this.state.connection();
		if (dropped > 0 && connection != null && !this.state.closing()) {
			connection.send(new ServerFrame.Dropped(dropped));
		}
	}

	/** Free the queued packets. */
	void clear() {
		this.queue.clear();
	}

	/**
	 * The bytes queued and not yet written by the WebSocket.
	 * @return the count
	 */
	long bytes() {
		return this.queue.bytes() + pendingWriteBytes(this.state.websocket());
	}

	private static long pendingWriteBytes(@Nullable Channel websocket) {
		ChannelOutboundBuffer buffer = (websocket != null) ? websocket.unsafe().outboundBuffer() : null;
		return (buffer != null) ? buffer.totalPendingWriteBytes() : 0;
	}

	/**
	 * What became of a packet offered.
	 */
	enum Offer {

		/** Queued, conflated or written. */
		TAKEN,

		/** Dropped under its policy, or because the session is closed. */
		DROPPED,

		/** No room for a packet that must not be dropped: the session must close. */
		OVERFLOW

	}

}
