package io.pushgateway.bench;

import java.net.URI;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One connection of a {@link LoadWorker}, on its event loop: a WebSocket handshake (or
 * the GET of a Server-Sent Events stream), then every text message either timed (recorded
 * by the {@link LatencyRecorder}) or handed to the {@link ClientProtocol}, which says
 * when the connection is ready. It reports to {@link ClientConnections} once it is ready
 * or failed and when it closes; one closed for churn opens again.
 *
 * @author Push Gateway team
 */
final class ClientHandler extends SimpleChannelInboundHandler<Object> {

	private final ClientConnections connections;

	private final LatencyRecorder latencies;

	private final ClientProtocol protocol;

	private final URI uri;

	/** Null on a Server-Sent Events stream. */
	private final WebSocketClientHandshaker handshaker;

	private final String token;

	private final int index;

	private final boolean reconnect;

	private boolean isReady;

	private boolean settled;

	/** Closed on purpose by {@link ClientConnections#churn}: opens again. */
	private boolean churning;

	private ScheduledFuture<?> pings;

	private Channel channel;

	ClientHandler(ClientConnections connections, LatencyRecorder latencies, ClientProtocol protocol, URI uri,
			String token, int index, boolean reconnect) {
		this.connections = connections;
		this.latencies = latencies;
		this.protocol = protocol;
		this.uri = uri;
		this.handshaker = protocol.serverSentEvents() ? null : handshaker(protocol, uri);
		this.token = token;
		this.index = index;
		this.reconnect = reconnect;
	}

	/* This handler behind the HTTP codecs its transport needs. */
	void addTo(ChannelPipeline pipeline) {
		if (this.protocol.serverSentEvents()) {
			// a streamed response: each event arrives as one chunk
			pipeline.addLast(new HttpClientCodec()).addLast(this);
			return;
		}
		pipeline.addLast(new HttpClientCodec()).addLast(new HttpObjectAggregator(65536)).addLast(this);
	}

	/* The user's JWT, where the protocol signs them. */
	String token() {
		return this.token;
	}

	/* Close on purpose, to open again: see {@link ClientConnections#churn}. */
	void churning() {
		this.churning = true;
	}

	void fail() {
		if (!this.settled) {
			this.settled = true;
			if (!this.reconnect) {
				this.connections.failedToOpen();
			}
		}
	}

	/* The server accepted the connection (the protocol says when). */
	void ready() {
		if (!this.settled) {
			this.settled = true;
			this.isReady = true;
			this.connections.opened(this.index, this.channel, this.reconnect);
		}
	}

	/* Pings the protocol scheduled; cancelled when the connection closes. */
	void pings(ScheduledFuture<?> pings) {
		this.pings = pings;
	}

	void cancelPings() {
		if (this.pings != null) {
			this.pings.cancel(false);
		}
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		this.channel = ctx.channel();
		if (this.handshaker == null) {
			DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
					this.uri.getRawPath() + "?" + this.uri.getRawQuery());
			request.headers().set(HttpHeaderNames.HOST, "127.0.0.1").set(HttpHeaderNames.ACCEPT, "text/event-stream");
			ctx.writeAndFlush(request);
			return;
		}
		this.handshaker.handshake(ctx.channel());
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		cancelPings();
		if (this.isReady) {
			this.connections.closed(this.index, ctx.channel(), this.churning);
		}
		fail();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		this.connections.logFailure(cause);
		ctx.close();
	}

	@Override
	protected void channelRead0(ChannelHandlerContext ctx, Object message) {
		Channel channel = ctx.channel();
		if (this.handshaker == null) {
			if (message instanceof HttpResponse response && response.status().code() != 200) {
				fail();
				ctx.close();
			}
			else if (message instanceof HttpContent content) {
				onText(channel, content.content());
			}
			return;
		}
		if (!this.handshaker.isHandshakeComplete()) {
			if (message instanceof FullHttpResponse response) {
				try {
					this.handshaker.finishHandshake(channel, response);
				}
				catch (RuntimeException ex) {
					this.connections.logFailure(ex);
					ctx.close();
					return;
				}
				// finishHandshake swapped the HTTP codec and the aggregator for
				// WebSocket ones
				if (this.protocol.readyOnHandshake()) {
					ready();
				}
			}
			return;
		}
		if (message instanceof TextWebSocketFrame frame) {
			onText(channel, frame.content());
		}
		else if (message instanceof CloseWebSocketFrame) {
			ctx.close();
		}
	}

	private void onText(Channel channel, ByteBuf content) {
		if (this.latencies.record(content)) {
			this.protocol.timed(channel, content);
			return;
		}
		this.protocol.control(this, channel, content);
	}

	private static WebSocketClientHandshaker handshaker(ClientProtocol protocol, URI uri) {
		return WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, protocol.subprotocol(), false,
				new DefaultHttpHeaders(), 65536);
	}

}
