package io.pushgateway.transport.polling;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.pushgateway.codec.SseFrameCodec;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.transport.ChannelConnection;
import org.jspecify.annotations.Nullable;

/**
 * A connection over Server-Sent Events: the frames of the JSON protocol as events of one
 * streamed HTTP response ({@link SseFrameCodec}); the client sends its frames as HTTP
 * requests bound to the session by its handle, as on long-polling. The server ends the
 * stream with a {@code close} event carrying the close code.
 *
 * <p>
 * The client cannot ping over the stream, so the server writes a comment line every
 * heartbeat interval and counts the client as seen while the stream keeps up: a comment
 * written while nothing waits for the client to read refreshes the connection's last seen
 * time, and a client that stops reading (or whose network went away) is closed by the
 * heartbeat timeout or as a slow consumer, as a WebSocket would be.
 *
 * @author Push Gateway team
 */
final class SseConnection extends ChannelConnection {

	private final SseFrameCodec sse;

	private final String secret;

	private final Clock clock;

	private @Nullable ScheduledFuture<?> heartbeat;

	SseConnection(long socketId, PushPrincipal principal, Set<String> guids, SseFrameCodec codec, Clock clock,
			Channel channel, String secret, long maxQueuedBytes, Duration closeTimeout, GatewayMetrics metrics,
			Consumer<? super ChannelConnection> onClosing) {
		super(socketId, principal, guids, codec, clock.millis(), channel, maxQueuedBytes, closeTimeout, metrics,
				onClosing);
		this.sse = codec;
		this.secret = secret;
		this.clock = clock;
	}

	String secret() {
		return this.secret;
	}

	@Override
	public String transport() {
		return "sse";
	}

	/**
	 * Start writing heartbeat comments; on the event loop.
	 * @param interval the heartbeat interval
	 */
	void startHeartbeat(Duration interval) {
		long millis = interval.toMillis();
		this.heartbeat = eventLoop().scheduleAtFixedRate(this::beat, millis, millis, TimeUnit.MILLISECONDS);
	}

	private void beat() {
		if (!isOpen() || behind()) {
			// a stream that is not read is not refreshed: the timeout will close it
			return;
		}
		touch(this.clock.millis());
		channel().writeAndFlush(wrap(Unpooled.wrappedBuffer(SseFrameCodec.HEARTBEAT)), channel().voidPromise());
	}

	/** Stop the heartbeat once the stream ended; on any thread. */
	void ended() {
		ScheduledFuture<?> heartbeat = this.heartbeat;
		if (heartbeat != null) {
			heartbeat.cancel(false);
		}
	}

	@Override
	protected HttpContent wrap(ByteBuf frame) {
		return new DefaultHttpContent(frame);
	}

	@Override
	protected void sendClose(int code, String reason) {
		// the close event ends the response; the client reads it, then the end of the
		// stream
		channel().writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(this.sse.encodeClose(code, reason))))
			.addListener(ChannelFutureListener.CLOSE);
	}

}
