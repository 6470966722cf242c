package io.pushgateway.bench;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;

/**
 * A {@link LoadWorker}'s connections, global indexes {@code first} to
 * {@code first + count - 1}: opened a few at a time on the worker's event loop, each from
 * a source address spread over 127.0.0.0/8 (a process holds at most about 19,000 sockets
 * here, and one source address has about 28,000 ephemeral ports per destination), counted
 * as they become ready, fail or drop, and closed and opened again at random on request
 * (churn).
 *
 * @author Push Gateway team
 */
final class ClientConnections {

	private final ClientProtocol protocol;

	private final int port;

	private final int count;

	private final int first;

	private final int worker;

	private final Bootstrap bootstrap;

	private final LatencyRecorder latencies;

	/** Told once every connection of the ramp is ready or failed. */
	private final Runnable settledAll;

	/** The JWT of each index where the protocol signs them, else nulls. */
	private final String[] tokens;

	/** The open connection of each index; confined to the event loop. */
	private final Channel[] channels;

	private final AtomicInteger ready = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private final AtomicInteger dropped = new AtomicInteger();

	private final AtomicInteger next = new AtomicInteger();

	private final AtomicInteger readyNow = new AtomicInteger();

	private final AtomicInteger logged = new AtomicInteger();

	private volatile long connectStart;

	ClientConnections(Args options, EventLoopGroup group, LatencyRecorder latencies, Runnable settledAll) {
		this.protocol = ClientProtocol.of(options.get("target", "gateway"));
		this.port = options.getInt("port", 8080);
		this.count = options.getInt("count", 1000);
		this.first = options.getInt("first", 0);
		this.worker = options.getInt("worker", 0);
		this.bootstrap = new Bootstrap().group(group)
			.channel(Transports.socketChannel())
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
		this.latencies = latencies;
		this.settledAll = settledAll;
		this.tokens = new String[this.count];
		if (this.protocol.signsTokens()) {
			// signed before the ramp, so the load generator's own signing does not slow
			// it
			byte[] secret = options.get("secret", BenchGateway.SECRET).getBytes(StandardCharsets.UTF_8);
			int perUser = options.getInt("per-user", 1);
			boolean fresh = !"reused".equals(options.get("tokens", "fresh"));
			for (int i = 0; i < this.count; i++) {
				this.tokens[i] = token(this.first + i, perUser, secret, fresh);
			}
		}
		this.channels = new Channel[this.count];
	}

	/* Open all connections, {@code concurrency} at a time; on the event loop. */
	void connectAll(int concurrency) {
		this.connectStart = System.nanoTime();
		for (int i = 0; i < Math.min(concurrency, this.count); i++) {
			connectNext();
		}
		if (this.count == 0) {
			this.settledAll.run();
		}
	}

	/* Seconds since the ramp started. */
	double seconds() {
		return (System.nanoTime() - this.connectStart) / 1e9;
	}

	/* Connections of the ramp that became ready. */
	int ready() {
		return this.ready.get();
	}

	/* Connections of the ramp that failed. */
	int failed() {
		return this.failed.get();
	}

	/* Connections open now, reopened ones included. */
	int open() {
		return this.readyNow.get();
	}

	/* Connections that closed other than for churn. */
	int dropped() {
		return this.dropped.get();
	}

	/*
	 * Close {@code n} open connections at random and open each again, as users leaving
	 * and coming back would; on the event loop.
	 */
	int churn(int n) {
		int closed = 0;
		for (int attempt = 0; attempt < n * 4 && closed < n; attempt++) {
			int index = ThreadLocalRandom.current().nextInt(this.count);
			Channel channel = this.channels[index];
			if (channel != null) {
				this.channels[index] = null;
				channel.pipeline().get(ClientHandler.class).churning();
				channel.close();
				closed++;
			}
		}
		return closed;
	}

	/* A connection became ready (the ramp's, or one opened again after churn). */
	void opened(int index, Channel channel, boolean reconnect) {
		this.readyNow.incrementAndGet();
		this.channels[index] = channel;
		if (!reconnect) {
			this.ready.incrementAndGet();
			settled();
		}
	}

	/* A connection of the ramp failed. */
	void failedToOpen() {
		this.failed.incrementAndGet();
		settled();
	}

	/* A ready connection closed: for churn it opens again, otherwise it dropped. */
	void closed(int index, Channel channel, boolean churning) {
		this.readyNow.decrementAndGet();
		if (this.channels[index] == channel) {
			this.channels[index] = null;
		}
		if (churning) {
			connect(index, true);
		}
		else {
			this.dropped.incrementAndGet();
		}
	}

	/*
	 * The first few failures go to standard error (the worker's log), the rest are
	 * counted.
	 */
	void logFailure(Throwable cause) {
		if (this.logged.incrementAndGet() <= 5) {
			System.err.println("connection failed: " + cause);
		}
	}

	private void settled() {
		if (this.ready.get() + this.failed.get() == this.count) {
			this.settledAll.run();
		}
		else {
			connectNext();
		}
	}

	private void connectNext() {
		int index = this.next.getAndIncrement();
		if (index >= this.count) {
			return;
		}
		connect(index, false);
	}

	private void connect(int index, boolean reconnect) {
		int global = this.first + index;
		ClientHandler handler = new ClientHandler(this, this.latencies, this.protocol,
				this.protocol.uri(this.port, this.tokens[index]), this.tokens[index], index, reconnect);
		this.bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
			@Override
			protected void initChannel(SocketChannel channel) {
				handler.addTo(channel.pipeline());
			}
		}).connect(new InetSocketAddress("127.0.0.1", this.port), sourceAddress(global)).addListener((future) -> {
			if (!future.isSuccess()) {
				handler.fail();
			}
		});
	}

	/*
	 * A new source address every 1,000 connections, and one range of them per worker.
	 */
	private InetSocketAddress sourceAddress(int global) {
		return new InetSocketAddress("127." + (1 + this.worker % 250) + "." + ((global / 1000) % 250 + 1) + ".1", 0);
	}

	/*
	 * A user's token: {@code fresh}, a new one every time (its own ID), as after a login;
	 * otherwise the same one in every round of a run (the same expiry, no ID), as when
	 * clients reconnect with the token they hold.
	 */
	private static String token(int global, int perUser, byte[] secret, boolean fresh) {
		try {
			long day = TimeUnit.DAYS.toMillis(1);
			JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("u" + (global / perUser))
				.expirationTime(new Date((System.currentTimeMillis() / day + 2) * day));
			if (fresh) {
				claims.jwtID(Long.toHexString(ThreadLocalRandom.current().nextLong()));
			}
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
			jwt.sign(new MACSigner(secret));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
