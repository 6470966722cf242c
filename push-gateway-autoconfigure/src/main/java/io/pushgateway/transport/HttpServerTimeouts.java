package io.pushgateway.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.metrics.Limit;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;

/**
 * Bounds the time a socket of the HTTP server may hold the node with a request it does
 * not finish: from accept to the end of the first request's headers
 * ({@code header-timeout}), from a response to the end of the next request's headers on a
 * kept-alive connection ({@code keep-alive-timeout}), and, once the headers arrived, the
 * whole body ({@code request-timeout}) and each pause inside it ({@code read-timeout}).
 * The waits for headers are totals, so a client that dribbles a byte at a time gains
 * nothing. Reactor Netty's own read and request timeouts start only once headers arrived,
 * and stay on a connection that upgraded to a WebSocket, where they would end an idle
 * one; Boot's idle timeout restarts with every byte read. This handler also counts, per
 * client address, the sockets waiting for their first headers, and closes a new one over
 * {@code max-pending-sockets-per-ip}. Once a connection upgrades to a WebSocket it leaves
 * the pipeline: the WebSocket's heartbeat takes over.
 *
 * @author Push Gateway team
 */
public final class HttpServerTimeouts implements NettyServerCustomizer {

	private static final String HANDLER = "push-gateway-request-head-timeout";

	private final Duration headerTimeout;

	private final Duration keepAliveTimeout;

	private final Duration readTimeout;

	private final Duration requestTimeout;

	private final int maxPendingPerIp;

	private final GatewayMetrics metrics;

	private final ConcurrentHashMap<InetAddress, AtomicInteger> pending = new ConcurrentHashMap<>();

	/**
	 * Create the customizer; a zero or negative duration turns its timeout off.
	 * @param headerTimeout accept to the first request's headers
	 * @param keepAliveTimeout a response to the next request's headers
	 * @param readTimeout the longest pause while a body is read
	 * @param requestTimeout the time to read a whole body
	 * @param maxPendingPerIp sockets of one address waiting for headers, {@code 0} for no
	 * limit
	 * @param metrics counts sockets closed by a timeout or the per-address limit
	 */
	public HttpServerTimeouts(Duration headerTimeout, Duration keepAliveTimeout, Duration readTimeout,
			Duration requestTimeout, int maxPendingPerIp, GatewayMetrics metrics) {
		this.headerTimeout = headerTimeout;
		this.keepAliveTimeout = keepAliveTimeout;
		this.readTimeout = readTimeout;
		this.requestTimeout = requestTimeout;
		this.maxPendingPerIp = maxPendingPerIp;
		this.metrics = metrics;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		// Reactor Netty's own read and request timeouts are not used: they stay on a
		// connection that upgraded to a WebSocket and end an idle one with an error
		return server.doOnChannelInit((observer, channel, remote) -> {
			// HTTP/1.1 only: the decoder this handler follows is absent on HTTP/2; the
			// client's address is the channel's (the remote argument is a client's)
			if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
				channel.pipeline()
					.addAfter(NettyPipeline.HttpCodec, HANDLER, new RequestWatch(address(channel.remoteAddress())));
			}
		});
	}

	/**
	 * How many sockets of an address wait for their request's headers.
	 * @param address the address
	 * @return the count
	 */
	public int pending(InetAddress address) {
		AtomicInteger count = this.pending.get(address);
		return (count != null) ? count.get() : 0;
	}

	private static boolean positive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	private static @Nullable InetAddress address(@Nullable SocketAddress remote) {
		return (remote instanceof InetSocketAddress inet) ? inet.getAddress() : null;
	}

	private boolean acquire(@Nullable InetAddress address) {
		if (address == null) {
			return true;
		}
		int count = this.pending.computeIfAbsent(address, (key) -> new AtomicInteger()).incrementAndGet();
		return this.maxPendingPerIp <= 0 || count <= this.maxPendingPerIp;
	}

	private void release(@Nullable InetAddress address) {
		if (address == null) {
			return;
		}
		AtomicInteger count = this.pending.get(address);
		if (count != null && count.decrementAndGet() <= 0) {
			this.pending.remove(address, count);
		}
	}

	/*
	 * On the channel's event loop: waits for a request's headers with a deadline, then
	 * for its body with a deadline and a longest pause; counts requests read and
	 * responses written, so a pipelined request is not waited for again.
	 */
	private final class RequestWatch extends ChannelDuplexHandler {

		private final @Nullable InetAddress address;

		/* The deadline of the wait for headers, or of the whole body. */
		private @Nullable ScheduledFuture<?> deadline;

		/* The deadline of the next piece of a body. */
		private @Nullable ScheduledFuture<?> pause;

		/** Whether the socket counts among its address's pending ones. */
		private boolean counted;

		/** Whether a request's body is being read. */
		private boolean inBody;

		private long requests;

		private long responses;

		RequestWatch(@Nullable InetAddress address) {
			this.address = address;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext context) {
			this.counted = true;
			if (!acquire(this.address)) {
				HttpServerTimeouts.this.metrics.limited(Limit.PENDING_SOCKETS_PER_IP);
				context.close();
				return;
			}
			this.deadline = schedule(context, HttpServerTimeouts.this.headerTimeout, Limit.HEADER_TIMEOUT);
		}

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
			boolean timed = true;
			if (message instanceof HttpRequest request) {
				this.requests++;
				release();
				cancel();
				this.inBody = true;
				// a request without a body (a GET, a WebSocket upgrade) ends in the read
				// that brought it: no deadline for a body that cannot come
				timed = !request.decoderResult().isSuccess() || HttpUtil.isTransferEncodingChunked(request)
						|| HttpUtil.getContentLength(request, 0L) > 0;
				if (timed) {
					this.deadline = schedule(context, HttpServerTimeouts.this.requestTimeout, null);
				}
			}
			if (this.inBody && message instanceof HttpContent) {
				cancelPause();
				if (message instanceof LastHttpContent) {
					this.inBody = false;
					cancel();
				}
				else {
					this.pause = schedule(context, HttpServerTimeouts.this.readTimeout, null);
				}
			}
			else if (this.inBody && message instanceof HttpRequest && timed) {
				this.pause = schedule(context, HttpServerTimeouts.this.readTimeout, null);
			}
			super.channelRead(context, message);
		}

		@Override
		public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
			if (message instanceof HttpResponse response
					&& response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
				// a WebSocket from now on: its frames are not requests
				super.write(context, message, promise);
				context.pipeline().remove(this);
				return;
			}
			super.write(context, message, promise);
			if (message instanceof LastHttpContent && ++this.responses >= this.requests && !this.inBody) {
				cancel();
				this.deadline = schedule(context, HttpServerTimeouts.this.keepAliveTimeout, Limit.HEADER_TIMEOUT);
			}
		}

		@Override
		public void handlerRemoved(ChannelHandlerContext context) {
			release();
			cancel();
		}

		@Override
		public void channelInactive(ChannelHandlerContext context) throws Exception {
			release();
			cancel();
			super.channelInactive(context);
		}

		private @Nullable ScheduledFuture<?> schedule(ChannelHandlerContext context, Duration timeout,
				@Nullable Limit limit) {
			if (!positive(timeout) || !context.channel().isActive()) {
				return null;
			}
			return context.executor().schedule(() -> {
				if (limit != null) {
					HttpServerTimeouts.this.metrics.limited(limit);
				}
				context.close();
			}, timeout.toNanos(), TimeUnit.NANOSECONDS);
		}

		private void release() {
			if (this.counted) {
				this.counted = false;
				HttpServerTimeouts.this.release(this.address);
			}
		}

		private void cancel() {
			if (this.deadline != null) {
				this.deadline.cancel(false);
				this.deadline = null;
			}
			cancelPause();
		}

		private void cancelPause() {
			if (this.pause != null) {
				this.pause.cancel(false);
				this.pause = null;
			}
		}

	}

}
