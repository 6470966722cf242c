package io.pushgateway.transport.socketio;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import reactor.netty.Connection;

/**
 * An Engine.IO session's WebSocket carriage: the queued packets are written frame by
 * frame while the channel is writable, and again once it becomes writable; after the last
 * packet of a closing session a close frame ends the WebSocket. Confined to the session's
 * event loop.
 *
 * @author Push Gateway team
 */
final class EngineIoWebSocketCarriage {

	private final EventExecutor loop;

	private final EngineIoOutbound outbound;

	private final EngineIoState state;

	private boolean closeFrameSent;

	private boolean drainHandlerAdded;

	/**
	 * The WebSocket carriage of one session.
	 * @param loop the session's event loop
	 * @param outbound the session's packets out
	 * @param state the session's state
	 */
	EngineIoWebSocketCarriage(EventExecutor loop, EngineIoOutbound outbound, EngineIoState state) {
		this.loop = loop;
		this.outbound = outbound;
		this.state = state;
	}

	/**
	 * Write what is queued to the session's WebSocket, as far as it is writable, and
	 * flush.
	 * @param websocket the channel of the session's WebSocket
	 */
	void drain(Channel websocket) {
		for (ByteBuf packet; websocket.isWritable() && (packet = this.outbound.poll()) != null;) {
			EngineIoPayloads.write(websocket, packet);
		}
		if (this.outbound.isEmpty()) {
			this.outbound.reportDropped();
		}
		else {
			addDrainHandler(websocket);
		}
		if (this.state.closing() && this.outbound.isEmpty() && !this.closeFrameSent) {
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
					EngineIoWebSocketCarriage.this.loop.execute(() -> drain(websocket));
				}
				context.fireChannelWritabilityChanged();
			}

		});
	}

}
