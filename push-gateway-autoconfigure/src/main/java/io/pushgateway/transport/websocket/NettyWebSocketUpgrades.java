package io.pushgateway.transport.websocket;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.EmptyByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.util.ReferenceCountUtil;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.RequestTargets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.SmartLifecycle;

/**
 * Takes a WebSocket upgrade to the gateway's path off Reactor Netty's HTTP server path: a
 * Netty handler right behind the HTTP codec, on the same server and event loops, reads
 * the upgrade request, runs the same checks and admission ({@link WebSocketEndpoint}),
 * answers a refusal itself, and upgrades with Netty's own handshaker. The upgraded
 * channel keeps only the WebSocket codec, a frame aggregator and the connection's
 * handler: the request (its target and headers, the token among them) is dropped after
 * the handshake, and Reactor Netty's per-request operations are never created. That is
 * most of what a connection costs at rest and most of the server's work per handshake
 * besides the token check (docs/performance.md). Every other request, an upgrade with a
 * body, a malformed request and every request on a server that resolves forwarded headers
 * (Reactor Netty does that for its own requests only) go on to Reactor Netty, where the
 * gateway's route serves the path as before ({@link WebSocketHandshakeHandler}). HTTP/2
 * connections have no HTTP/1.1 codec and are left alone.
 *
 * @author Push Gateway team
 */
public final class NettyWebSocketUpgrades implements NettyServerCustomizer, SmartLifecycle {

	/**
	 * Stops after the node closed its connections ({@code NodeLifecycle}) and before
	 * Boot's graceful shutdown of the web server ({@code DEFAULT_PHASE - 1024}).
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 768;

	private static final Log logger = LogFactory.getLog(NettyWebSocketUpgrades.class);

	static final String UPGRADE_HANDLER = "push-gateway-websocket-upgrade";

	static final String AGGREGATOR = "push-gateway-websocket-aggregator";

	static final String FRAME_HANDLER = "push-gateway-websocket";

	/* The names Netty's handshaker gives the WebSocket codec. */
	static final String WS_DECODER = "wsdecoder";

	static final String WS_ENCODER = "wsencoder";

	private final WebSocketEndpoint endpoint;

	private final String path;

	/* The subprotocol of each codec, by index. */
	private final String[] subprotocols;

	private final WebSocketDecoderConfig decoderConfig;

	/** Channels upgraded here and not closed yet. */
	private final AtomicInteger open = new AtomicInteger();

	private volatile boolean running;

	public NettyWebSocketUpgrades(WebSocketEndpoint endpoint) {
		this.endpoint = endpoint;
		this.path = endpoint.settings().path();
		this.subprotocols = endpoint.admission().codecs().stream().map(FrameCodec::subprotocol).toArray(String[]::new);
		// extensions allowed as Reactor Netty's route does: the endpoint refuses a frame
		// with reserved bits itself, with its own close code
		this.decoderConfig = WebSocketDecoderConfig.newBuilder()
			.allowExtensions(true)
			.maxFramePayloadLength(maxFramePayloadLength(endpoint.settings()))
			.build();
	}

	/**
	 * The decoder's bound on a frame's payload: twice the largest frame a client may
	 * send. Netty's decoder answers a frame above its bound by closing the socket at
	 * once, which can reset the connection before the client reads the close code; frames
	 * up to twice the limit are read and refused by the endpoint, gracefully.
	 * @param settings the endpoint's settings
	 * @return the bound
	 */
	static int maxFramePayloadLength(WebSocketSettings settings) {
		return (int) Math.min(Integer.MAX_VALUE, 2L * settings.maxFrameSize());
	}

	@Override
	public HttpServer apply(HttpServer server) {
		if (server.configuration().isForwarded()) {
			logger.info("The push gateway's WebSocket upgrades take Reactor Netty's HTTP path: "
					+ "the server resolves forwarded headers (server.forward-headers-strategy=native)");
			return server;
		}
		return server.doOnChannelInit((observer, channel, remote) -> {
			ChannelPipeline pipeline = channel.pipeline();
			if (pipeline.get(NettyPipeline.HttpCodec) != null
					&& pipeline.get(NettyPipeline.HttpTrafficHandler) != null) {
				pipeline.addBefore(NettyPipeline.HttpTrafficHandler, UPGRADE_HANDLER, new UpgradeHandler());
			}
		});
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		throw new UnsupportedOperationException("Stop must not be invoked directly");
	}

	/*
	 * Boot's graceful shutdown waits for the sockets that carry Reactor Netty's
	 * operations and closes every other at once; these carry none. So once the node has
	 * sent their close frames, the wait for the clients' answers (at most the close
	 * timeout, after which each connection closes its socket itself) happens here.
	 */
	@Override
	public void stop(Runnable callback) {
		this.running = false;
		long deadline = System.nanoTime() + this.endpoint.settings().closeTimeout().toNanos()
				+ TimeUnit.SECONDS.toNanos(1);
		Flux.interval(Duration.ofMillis(20), Schedulers.parallel())
			.filter((tick) -> this.open.get() == 0 || System.nanoTime() > deadline)
			.next()
			.doFinally((signal) -> callback.run())
			.subscribe();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * How many sockets upgraded on the Netty handler are open.
	 * @return the count
	 */
	public int openSockets() {
		return this.open.get();
	}

	private boolean ours(HttpRequest request) {
		return request.method() == HttpMethod.GET && request.decoderResult().isSuccess()
				&& this.path.equals(RequestTargets.rawPath(request.uri()))
				&& !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0L;
	}

	private static void refuse(ChannelHandlerContext context, int status, String reason) {
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
				HttpResponseStatus.valueOf(status), Unpooled.copiedBuffer(reason + "\n", StandardCharsets.UTF_8));
		response.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
			.set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		if (status == 426) {
			response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
		}
		// written from here, past Reactor Netty's handlers, which never saw the request;
		// the socket closes once the answer is out
		context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
	}

	/*
	 * One per HTTP/1.1 channel, behind the codec (and the gateway's request timeouts),
	 * ahead of Reactor Netty's traffic handler. Passes every request but an upgrade to
	 * the gateway's path on; takes that one (and swallows its empty end), stops reading
	 * while it is admitted, and upgrades or refuses.
	 */
	private final class UpgradeHandler extends ChannelInboundHandlerAdapter {

		/* Whether the rest of a taken request (its empty last content) is still due. */
		private boolean swallowing;

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) {
			if (this.swallowing && message instanceof HttpContent) {
				this.swallowing = !(message instanceof LastHttpContent);
				ReferenceCountUtil.release(message);
				return;
			}
			if (message instanceof HttpRequest request && ours(request)) {
				this.swallowing = !(request instanceof LastHttpContent);
				ReferenceCountUtil.release(request);
				take(context, request);
				return;
			}
			context.fireChannelRead(message);
		}

		private void take(ChannelHandlerContext context, HttpRequest request) {
			Channel channel = context.channel();
			// nothing more is read until the client is admitted and upgraded
			channel.config().setAutoRead(false);
			InetSocketAddress client = (channel.remoteAddress() instanceof InetSocketAddress inet) ? inet : null;
			WebSocketEndpoint.Checked checked = NettyWebSocketUpgrades.this.endpoint.check(request.uri(),
					request.headers(), client);
			WebSocketEndpoint.Refusal refusal = checked.refusal();
			if (refusal != null) {
				refuse(context, refusal.status(), refusal.reason());
				return;
			}
			NettyWebSocketUpgrades.this.endpoint.admit(checked)
				.subscribe((admitted) -> onEventLoop(context, () -> upgrade(context, request, checked, admitted)),
						(error) -> onEventLoop(context, () -> refused(context, error)));
		}

		private void onEventLoop(ChannelHandlerContext context, Runnable task) {
			if (context.executor().inEventLoop()) {
				task.run();
			}
			else {
				context.executor().execute(task);
			}
		}

		private void refused(ChannelHandlerContext context, Throwable error) {
			if (error instanceof HandshakeRejectedException rejected) {
				NettyWebSocketUpgrades.this.endpoint.admission().rejected(rejected);
				refuse(context, rejected.getStatus(), String.valueOf(rejected.getMessage()));
			}
			else {
				logger.warn("WebSocket handshake failed: " + error, error);
				refuse(context, 500, "internal error");
			}
		}

		private void upgrade(ChannelHandlerContext context, HttpRequest request, WebSocketEndpoint.Checked checked,
				Admission.Admitted admitted) {
			Channel channel = context.channel();
			if (!channel.isActive()) {
				// the client left while it was admitted
				return;
			}
			ChannelPipeline pipeline = channel.pipeline();
			// Reactor Netty's HTTP handlers leave, as they do on its own upgrade; its
			// traffic handler would otherwise end the socket after a response to a
			// request it never saw
			for (String name : new String[] { NettyPipeline.HttpTrafficHandler, NettyPipeline.AccessLogHandler,
					NettyPipeline.HttpMetricsHandler }) {
				if (pipeline.get(name) != null) {
					pipeline.remove(name);
				}
			}
			ChannelHandlerContext codec = pipeline.context(HttpServerCodec.class);
			if (codec == null) {
				// the handler sits behind the HTTP/1.1 codec: not reached
				channel.close();
				return;
			}
			Handshaker handshaker = new Handshaker(NettyWebSocketUpgrades.this.path,
					checked.unnamed() ? null : NettyWebSocketUpgrades.this.subprotocols[checked.codecIndex()],
					NettyWebSocketUpgrades.this.decoderConfig);
			// the handshaker takes its response's buffer from the request content's
			// allocator: the channel's (pooled), not Unpooled.EMPTY_BUFFER's, which would
			// allocate a new direct buffer (and its Cleaner) for every handshake
			FullHttpResponse response = handshaker
				.response(new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
						new EmptyByteBuf(channel.alloc()), request.headers(), EmptyHttpHeaders.INSTANCE));
			// the encoder nearer the socket than the decoder: the close frame the
			// decoder writes on a protocol violation (1002, 1009) gets encoded
			pipeline.addBefore(codec.name(), WS_ENCODER, handshaker.encoder());
			pipeline.addBefore(codec.name(), WS_DECODER, handshaker.decoder());
			// the 101 is encoded as it is written, so the HTTP codec can leave at once;
			// it is flushed with the welcome frame, one system call for both
			channel.write(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
			pipeline.remove(codec.name());
			WebSocketEndpoint endpoint = NettyWebSocketUpgrades.this.endpoint;
			WebSocketConnection connection = endpoint.open(channel, admitted, checked.codecIndex(), checked.since(),
					(channel.remoteAddress() instanceof InetSocketAddress inet) ? inet.getAddress() : null);
			pipeline.replace(this, AGGREGATOR, new WebSocketFrameAggregator(endpoint.settings().maxFrameSize()));
			NettyWebSocketUpgrades.this.open.incrementAndGet();
			pipeline.addAfter(AGGREGATOR, FRAME_HANDLER,
					new WebSocketFrameHandler(endpoint, connection, NettyWebSocketUpgrades.this.open::decrementAndGet));
			channel.flush();
			channel.config().setAutoRead(true);
		}

	}

	/*
	 * Netty's version-13 handshaker, its steps taken one at a time: its handshake()
	 * writes and flushes the 101 alone and swaps the codecs only once that write
	 * completes, a system call more per connection than the upgrade needs.
	 */
	private static final class Handshaker extends WebSocketServerHandshaker13 {

		Handshaker(String path, @Nullable String subprotocol, WebSocketDecoderConfig config) {
			super(path, subprotocol, config);
		}

		FullHttpResponse response(FullHttpRequest request) {
			return newHandshakeResponse(request, null);
		}

		WebSocketFrameDecoder decoder() {
			return newWebsocketDecoder();
		}

		WebSocketFrameEncoder encoder() {
			return newWebSocketEncoder();
		}

	}

}
