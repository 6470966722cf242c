package io.pushgateway.transport.websocket;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a WebSocket that {@link NettyWebSocketUpgrades} upgraded: hands
 * each whole frame to the {@link WebSocketEndpoint}, answers the client's close frame,
 * and ends the connection with the channel. What Reactor Netty's WebSocket operations do
 * on its own path, without their per-connection state.
 *
 * @author Push Gateway team
 */
final class WebSocketFrameHandler extends ChannelInboundHandlerAdapter {

	private final WebSocketEndpoint endpoint;

	private final WebSocketConnection connection;

	/** Told once when the channel closes. */
	private final Runnable onClosed;

	WebSocketFrameHandler(WebSocketEndpoint endpoint, WebSocketConnection connection, Runnable onClosed) {
		this.endpoint = endpoint;
		this.connection = connection;
		this.onClosed = onClosed;
	}

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) {
		try {
			if (message instanceof CloseWebSocketFrame close) {
				onClose(context, close);
			}
			else if (message instanceof WebSocketFrame frame) {
				this.endpoint.onFrame(this.connection, frame);
			}
		}
		finally {
			ReferenceCountUtil.release(message);
		}
	}

	/*
	 * The client's close frame: the answer to the server's own (the socket ends now), or
	 * the client closing first, answered with its own status (RFC 6455, section 5.5.1).
	 */
	private void onClose(ChannelHandlerContext context, CloseWebSocketFrame close) {
		if (!this.connection.isOpen()) {
			context.close();
			return;
		}
		CloseWebSocketFrame answer = (close.statusCode() != -1)
				? new CloseWebSocketFrame(true, 0, close.content().retainedDuplicate()) : new CloseWebSocketFrame();
		context.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
		this.endpoint.onInboundError(this.connection, cause);
	}

	@Override
	public void channelInactive(ChannelHandlerContext context) {
		this.endpoint.ended(this.connection);
		this.onClosed.run();
		context.fireChannelInactive();
	}

}
