package io.pushgateway.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
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
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One load-generating process: opens many real WebSocket connections on one event loop,
 * each from a source address spread over 127.0.0.0/8 (a process holds at most about
 * 19,000 sockets here, and one source address has about 28,000 ephemeral ports per
 * destination), keeps them alive the way each server expects, and records, for every
 * message that carries a send timestamp ({@code "n":} followed by the sender's
 * {@link System#nanoTime()}, which on Linux is the machine-wide monotonic clock), the
 * time from send to receipt.
 *
 * <p>
 * It speaks three protocols: the gateway's ({@code push.v1.json}, with a JWT per user and
 * {@code ping} frames at the announced interval), plain text frames (the raw Netty peer)
 * and Engine.IO 4 / Socket.IO 5 over a WebSocket (the Socket.IO peer: open, connect to
 * the default namespace, answer pings, read {@code 42[event, data]} packets).
 *
 * <p>
 * The coordinator ({@link Bench}) talks to it in JSON lines: it prints
 * {@code {"type":"started"}}, starts connecting on {@code go} (so that all workers start
 * together), prints {@code {"type":"connected",...}} once every connection is up or
 * failed, and answers {@code count}, {@code reset}, {@code report}, {@code churn <n>}
 * (close {@code n} connections at random and open them again) and {@code quit}.
 *
 * @author Push Gateway team
 */
public final class LoadWorker {

	/** A push that asks for an acknowledgement carries this. */
	private static final ByteBuf ACK_ASKED = Unpooled
		.unreleasableBuffer(Unpooled.copiedBuffer("\"a\":1", StandardCharsets.US_ASCII));

	private static final ByteBuf ID_FIELD = Unpooled
		.unreleasableBuffer(Unpooled.copiedBuffer("\"id\":\"", StandardCharsets.US_ASCII));

	private final String target;

	private final int port;

	private final int count;

	private final int first;

	private final int perUser;

	private final int worker;

	private final byte[] secret;

	private final Recorder latencies = new Recorder(TimeUnit.SECONDS.toNanos(120), 3);

	private final LongAdder received = new LongAdder();

	private final AtomicInteger ready = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private final AtomicInteger dropped = new AtomicInteger();

	private final AtomicInteger next = new AtomicInteger();

	private volatile long connectStart;

	private String[] tokens = new String[0];

	/** The open connection of each index; confined to the event loop. */
	private Channel[] channels = new Channel[0];

	private final AtomicInteger readyNow = new AtomicInteger();

	private volatile Bootstrap bootstrap;

	private LoadWorker(String target, int port, int count, int first, int perUser, int worker, String secret) {
		this.target = target;
		this.port = port;
		this.count = count;
		this.first = first;
		this.perUser = perUser;
		this.worker = worker;
		this.secret = secret.getBytes(StandardCharsets.UTF_8);
	}

	public static void main(String[] args) throws Exception {
		Args options = Args.parse(args);
		LoadWorker worker = new LoadWorker(options.get("target", "gateway"), options.getInt("port", 8080),
				options.getInt("count", 1000), options.getInt("first", 0), options.getInt("per-user", 1),
				options.getInt("worker", 0), options.get("secret", BenchGateway.SECRET));
		worker.run(options.getInt("concurrency", 256));
	}

	private void run(int concurrency) throws Exception {
		EventLoopGroup group = Transports.eventLoopGroup(1);
		Bootstrap bootstrap = new Bootstrap().group(group)
			.channel(Transports.socketChannel())
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
		if (this.target.startsWith("gateway")) {
			// signed before the ramp, so the load generator's own signing does not slow
			// it
			this.tokens = new String[this.count];
			for (int i = 0; i < this.count; i++) {
				this.tokens[i] = token(this.first + i);
			}
		}
		this.channels = new Channel[this.count];
		this.bootstrap = bootstrap;
		Runnable connectAll = () -> {
			this.connectStart = System.nanoTime();
			for (int i = 0; i < Math.min(concurrency, this.count); i++) {
				connectNext(bootstrap);
			}
			if (this.count == 0) {
				reportConnected();
			}
		};
		print("{\"type\":\"started\"}");
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		for (String line; (line = commands.readLine()) != null;) {
			if (line.startsWith("churn ")) {
				int n = Integer.parseInt(line.substring(6).trim());
				group.execute(() -> print("{\"type\":\"churned\",\"closed\":" + churn(n) + "}"));
				continue;
			}
			switch (line.trim()) {
				case "go" -> group.execute(connectAll);
				case "count" -> print("{\"type\":\"count\",\"received\":" + this.received.sum() + ",\"open\":"
						+ this.readyNow.get() + ",\"dropped\":" + this.dropped.get() + "}");
				case "reset" -> {
					this.latencies.reset();
					this.received.reset();
					print("{\"type\":\"reset\"}");
				}
				case "report" -> {
					Histogram histogram = this.latencies.getIntervalHistogram();
					ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
					int length = histogram.encodeIntoCompressedByteBuffer(buffer);
					print("{\"type\":\"report\",\"received\":" + this.received.sum() + ",\"hist\":\""
							+ Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length)) + "\"}");
				}
				case "quit" -> {
					group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
					print("{\"type\":\"bye\"}");
					System.exit(0);
				}
				default -> print("{\"type\":\"error\",\"message\":\"unknown command\"}");
			}
		}
		System.exit(0);
	}

	/*
	 * Close {@code n} open connections at random and open each again, as users leaving
	 * and coming back would; on the event loop.
	 */
	private int churn(int n) {
		int closed = 0;
		for (int attempt = 0; attempt < n * 4 && closed < n; attempt++) {
			int index = ThreadLocalRandom.current().nextInt(this.count);
			Channel channel = this.channels[index];
			if (channel != null) {
				this.channels[index] = null;
				channel.pipeline().get(ClientHandler.class).churning = true;
				channel.close();
				closed++;
			}
		}
		return closed;
	}

	private void connectNext(Bootstrap bootstrap) {
		int index = this.next.getAndIncrement();
		if (index >= this.count) {
			return;
		}
		connect(bootstrap, index, false);
	}

	private void connect(Bootstrap bootstrap, int index, boolean reconnect) {
		int global = this.first + index;
		URI uri = uri(global);
		// a new source address every 1,000 connections, and one range of them per worker
		InetSocketAddress local = new InetSocketAddress(
				"127." + (1 + this.worker % 250) + "." + ((global / 1000) % 250 + 1) + ".1", 0);
		WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13,
				"gateway".equals(this.target) ? "push.v1.json" : null, false, new DefaultHttpHeaders(), 65536);
		ClientHandler handler = new ClientHandler(handshaker, bootstrap, index, reconnect);
		bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
			@Override
			protected void initChannel(SocketChannel channel) {
				if (sse()) {
					// a streamed response: each event arrives as one chunk
					channel.pipeline().addLast(new HttpClientCodec()).addLast(handler);
					return;
				}
				channel.pipeline()
					.addLast(new HttpClientCodec())
					.addLast(new HttpObjectAggregator(65536))
					.addLast(handler);
			}
		}).connect(new InetSocketAddress("127.0.0.1", this.port), local).addListener((future) -> {
			if (!future.isSuccess()) {
				handler.fail();
			}
		});
	}

	private boolean sse() {
		return "gateway-sse".equals(this.target);
	}

	private URI uri(int global) {
		return switch (this.target) {
			case "gateway-sse" -> URI.create("http://127.0.0.1:" + this.port + "/ws/sse?events=unnamed&access_token="
					+ this.tokens[global - this.first]);
			case "gateway" ->
				URI.create("ws://127.0.0.1:" + this.port + "/ws?access_token=" + this.tokens[global - this.first]);
			case "socketio", "gateway-socketio" ->
				URI.create("ws://127.0.0.1:" + this.port + "/socket.io/?EIO=4&transport=websocket");
			default -> URI.create("ws://127.0.0.1:" + this.port + "/ws");
		};
	}

	private String token(int global) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
					new JWTClaimsSet.Builder().subject("u" + (global / this.perUser))
						.expirationTime(new Date(System.currentTimeMillis() + TimeUnit.DAYS.toMillis(1)))
						.build());
			jwt.sign(new MACSigner(this.secret));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void reportConnected() {
		double seconds = (System.nanoTime() - this.connectStart) / 1e9;
		print("{\"type\":\"connected\",\"ok\":" + this.ready.get() + ",\"failed\":" + this.failed.get()
				+ ",\"seconds\":" + seconds + "}");
	}

	private void settled(Bootstrap bootstrap) {
		if (this.ready.get() + this.failed.get() == this.count) {
			reportConnected();
		}
		else {
			connectNext(bootstrap);
		}
	}

	private final AtomicInteger logged = new AtomicInteger();

	/*
	 * The first few failures go to standard error (the worker's log), the rest are
	 * counted.
	 */
	private void logFailure(Throwable cause) {
		if (this.logged.incrementAndGet() <= 5) {
			System.err.println("connection failed: " + cause);
		}
	}

	private static synchronized void print(String line) {
		System.out.println(line);
		System.out.flush();
	}

	/*
	 * The send timestamp after {@code "n":} (digits, possibly quoted), or -1; scans the
	 * frame in place without decoding it.
	 */
	static long timestamp(ByteBuf content) {
		int start = content.readerIndex();
		int end = content.writerIndex();
		for (int i = start; i + 4 < end; i++) {
			if (content.getByte(i) == '"' && content.getByte(i + 1) == 'n' && content.getByte(i + 2) == '"'
					&& content.getByte(i + 3) == ':') {
				long value = 0;
				int j = i + 4;
				if (j < end && content.getByte(j) == '"') {
					j++;
				}
				boolean digits = false;
				for (; j < end; j++) {
					byte b = content.getByte(j);
					if (b < '0' || b > '9') {
						break;
					}
					value = value * 10 + (b - '0');
					digits = true;
				}
				return digits ? value : -1;
			}
		}
		return -1;
	}

	private final class ClientHandler extends SimpleChannelInboundHandler<Object> {

		private final WebSocketClientHandshaker handshaker;

		private final Bootstrap bootstrap;

		private boolean isReady;

		private boolean settled;

		private ScheduledFuture<?> pings;

		private final int index;

		private final boolean reconnect;

		/** Closed on purpose by {@link #churn}: opens again. */
		boolean churning;

		private Channel channel;

		ClientHandler(WebSocketClientHandshaker handshaker, Bootstrap bootstrap, int index, boolean reconnect) {
			this.handshaker = handshaker;
			this.bootstrap = bootstrap;
			this.index = index;
			this.reconnect = reconnect;
		}

		void fail() {
			if (!this.settled) {
				this.settled = true;
				if (!this.reconnect) {
					LoadWorker.this.failed.incrementAndGet();
					settled(this.bootstrap);
				}
			}
		}

		private void becomeReady() {
			if (!this.settled) {
				this.settled = true;
				this.isReady = true;
				LoadWorker.this.readyNow.incrementAndGet();
				LoadWorker.this.channels[this.index] = this.channel;
				if (!this.reconnect) {
					LoadWorker.this.ready.incrementAndGet();
					settled(this.bootstrap);
				}
			}
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			this.channel = ctx.channel();
			if (sse()) {
				URI uri = this.handshaker.uri();
				DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
						uri.getRawPath() + "?" + uri.getRawQuery());
				request.headers()
					.set(HttpHeaderNames.HOST, "127.0.0.1")
					.set(HttpHeaderNames.ACCEPT, "text/event-stream");
				ctx.writeAndFlush(request);
				return;
			}
			this.handshaker.handshake(ctx.channel());
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (this.pings != null) {
				this.pings.cancel(false);
			}
			if (this.isReady) {
				LoadWorker.this.readyNow.decrementAndGet();
				if (LoadWorker.this.channels[this.index] == ctx.channel()) {
					LoadWorker.this.channels[this.index] = null;
				}
				if (this.churning) {
					connect(this.bootstrap, this.index, true);
				}
				else {
					LoadWorker.this.dropped.incrementAndGet();
				}
			}
			fail();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			logFailure(cause);
			ctx.close();
		}

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, Object message) {
			Channel channel = ctx.channel();
			if (sse()) {
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
						logFailure(ex);
						ctx.close();
						return;
					}
					// finishHandshake swapped the HTTP codec and the aggregator for
					// WebSocket ones
					if ("netty".equals(LoadWorker.this.target)) {
						becomeReady();
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
			long sent = timestamp(content);
			if (sent > 0) {
				long latency = System.nanoTime() - sent;
				LoadWorker.this.latencies.recordValue(Math.max(0, Math.min(latency, TimeUnit.SECONDS.toNanos(120))));
				LoadWorker.this.received.increment();
				if ("gateway".equals(LoadWorker.this.target)) {
					acknowledge(channel, content);
				}
				return;
			}
			if (sse()) {
				// the server's comments keep the stream alive: nothing to send
				if (content.toString(StandardCharsets.UTF_8).contains("\"t\":\"welcome\"")) {
					becomeReady();
				}
			}
			else if ("gateway".equals(LoadWorker.this.target)) {
				String text = content.toString(StandardCharsets.UTF_8);
				if (text.contains("\"t\":\"welcome\"")) {
					becomeReady();
					schedulePings(channel, heartbeat(text));
				}
				else if (text.contains("\"t\":\"hb\"")) {
					// the server changed this connection's interval (dynamic heartbeat)
					if (this.pings != null) {
						this.pings.cancel(false);
					}
					schedulePings(channel, heartbeat(text));
				}
			}
			else if ("socketio".equals(LoadWorker.this.target) || "gateway-socketio".equals(LoadWorker.this.target)) {
				byte type = (content.readableBytes() > 0) ? content.getByte(content.readerIndex()) : 0;
				if (type == '0' && content.readableBytes() > 1 && content.getByte(content.readerIndex() + 1) == '{') {
					// Engine.IO open: connect to the default namespace, with the token on
					// the
					// gateway (socket.io-client's auth option)
					channel.writeAndFlush(new TextWebSocketFrame("gateway-socketio".equals(LoadWorker.this.target)
							? "40{\"token\":\"" + LoadWorker.this.tokens[this.index] + "\"}" : "40"));
				}
				else if (type == '4' && content.readableBytes() > 1
						&& content.getByte(content.readerIndex() + 1) == '0') {
					becomeReady();
				}
				else if (type == '2') {
					channel.writeAndFlush(new TextWebSocketFrame("3"));
				}
			}
		}

		/*
		 * A push that asks for it ("a":1) is acknowledged at once, as the JavaScript
		 * client does.
		 */
		private void acknowledge(Channel channel, ByteBuf content) {
			// searched in the bytes: every push of every scenario comes through here, and
			// only the acks scenario's ask for an acknowledgement
			if (ByteBufUtil.indexOf(ACK_ASKED, content) < 0) {
				return;
			}
			int idAt = ByteBufUtil.indexOf(ID_FIELD, content);
			int start = idAt + ID_FIELD.readableBytes();
			int end = (idAt < 0) ? -1 : content.indexOf(start, content.writerIndex(), (byte) '"');
			if (end > start) {
				channel.writeAndFlush(new TextWebSocketFrame("{\"t\":\"ack\",\"id\":\""
						+ content.toString(start, end - start, StandardCharsets.US_ASCII) + "\"}"));
			}
		}

		private void schedulePings(Channel channel, long interval) {
			// spread the pings over the interval, as independent clients would be
			long firstPing = ThreadLocalRandom.current().nextLong(interval);
			this.pings = channel.eventLoop()
				.scheduleAtFixedRate(() -> channel.writeAndFlush(new TextWebSocketFrame("{\"t\":\"ping\"}")), firstPing,
						interval, TimeUnit.MILLISECONDS);
		}

		private long heartbeat(String welcome) {
			int at = welcome.indexOf("\"hb\":");
			if (at < 0) {
				return 25_000;
			}
			int end = at + 5;
			while (end < welcome.length() && Character.isDigit(welcome.charAt(end))) {
				end++;
			}
			return Long.parseLong(welcome.substring(at + 5, end));
		}

	}

}
