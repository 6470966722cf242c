package io.pushgateway.bench;

import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * The reference peer for the JVM floor: a WebSocket server on raw Netty, written as well
 * as we can. It holds connections in a set per event loop, and a broadcast encodes the
 * frame once and hands each loop one task that writes the shared bytes to its channels
 * and flushes each once, which is the physical floor of one socket write per delivery. No
 * authentication, no registry, no protocol beyond text frames: whatever the gateway costs
 * above this peer is the price of its features.
 *
 * <p>
 * Endpoints: {@code GET /ws} (WebSocket), {@code POST /bench/broadcast},
 * {@code POST /bench/broadcast-stream?rate=&seconds=}, {@code GET /bench/stats}.
 *
 * @author Push Gateway team
 */
public final class NettyPeer {

	private final Map<EventLoop, Map<Channel, Boolean>> channels = new ConcurrentHashMap<>();

	private final AtomicLong connections = new AtomicLong();

	private NettyPeer() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt((args.length > 0) ? args[0] : "8090");
		new NettyPeer().run(port);
	}

	private void run(int port) throws Exception {
		EventLoopGroup group = Transports.eventLoopGroup(Runtime.getRuntime().availableProcessors());
		try {
			Channel server = new ServerBootstrap().group(group)
				.channel(Transports.serverChannel())
				.option(ChannelOption.SO_BACKLOG, 4096)
				.childHandler(new ChannelInitializer<SocketChannel>() {
					@Override
					protected void initChannel(SocketChannel channel) {
						channel.pipeline()
							.addLast(new HttpServerCodec())
							.addLast(new HttpObjectAggregator(65536))
							.addLast(new WebSocketServerProtocolHandler("/ws", null, true))
							.addLast(new ControlHandler())
							.addLast(new FrameHandler());
					}
				})
				.bind("127.0.0.1", port)
				.sync()
				.channel();
			System.out.println("netty peer listening on " + port);
			server.closeFuture().sync();
		}
		finally {
			group.shutdownGracefully();
		}
	}

	void broadcast(long nanos) {
		ByteBuf shared = Unpooled
			.unreleasableBuffer(Unpooled.wrappedBuffer(("{\"n\":" + nanos + "}").getBytes(StandardCharsets.UTF_8)));
		for (Map.Entry<EventLoop, Map<Channel, Boolean>> entry : this.channels.entrySet()) {
			Map<Channel, Boolean> loopChannels = entry.getValue();
			entry.getKey().execute(() -> {
				for (Channel channel : loopChannels.keySet()) {
					channel.write(new TextWebSocketFrame(shared.duplicate()), channel.voidPromise());
				}
				for (Channel channel : loopChannels.keySet()) {
					channel.flush();
				}
			});
		}
	}

	/** Counts and indexes open WebSockets per event loop; echoes nothing. */
	private final class FrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
			if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
				Channel channel = ctx.channel();
				// the aggregator is only needed for the upgrade request
				if (ctx.pipeline().get(HttpObjectAggregator.class) != null) {
					ctx.pipeline().remove(HttpObjectAggregator.class);
				}
				NettyPeer.this.channels.computeIfAbsent(channel.eventLoop(), (loop) -> new IdentityHashMap<>())
					.put(channel, Boolean.TRUE);
				NettyPeer.this.connections.incrementAndGet();
				channel.closeFuture().addListener((future) -> {
					NettyPeer.this.channels.get(channel.eventLoop()).remove(channel);
					NettyPeer.this.connections.decrementAndGet();
				});
			}
			super.userEventTriggered(ctx, event);
		}

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
			// clients send nothing the benchmark needs
		}

	}

	/** The benchmark's control endpoints, shared with the other servers under test. */
	private final class ControlHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
			QueryStringDecoder query = new QueryStringDecoder(request.uri());
			String body;
			switch (query.path()) {
				case "/bench/broadcast" -> {
					broadcast(System.nanoTime());
					body = "{\"sent\":1}";
				}
				case "/bench/broadcast-stream" -> {
					int rate = Integer.parseInt(query.parameters().get("rate").get(0));
					int seconds = Integer.parseInt(query.parameters().get("seconds").get(0));
					// paced on its own thread: the event loop must not wait
					Pacer.inBackground(() -> {
						long sent = Pacer.run(rate, seconds, () -> broadcast(System.nanoTime()));
						ctx.executor().execute(() -> respond(ctx, HttpResponseStatus.OK, "{\"sent\":" + sent + "}"));
					});
					return;
				}
				case "/bench/stats" -> {
					Pacer.inBackground(() -> {
						long heap = query.parameters().containsKey("gc") ? 0 : Pacer.heapAfterGc();
						String stats = "{\"connections\":" + NettyPeer.this.connections.get() + ",\"heapAfterGc\":"
								+ heap + "}";
						ctx.executor().execute(() -> respond(ctx, HttpResponseStatus.OK, stats));
					});
					return;
				}
				default -> {
					respond(ctx, HttpResponseStatus.NOT_FOUND, "{}");
					return;
				}
			}
			respond(ctx, HttpResponseStatus.OK, body);
		}

		private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
			FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
					Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
			response.headers()
				.set(HttpHeaderNames.CONTENT_TYPE, "application/json")
				.setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
			ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
		}

	}

}
