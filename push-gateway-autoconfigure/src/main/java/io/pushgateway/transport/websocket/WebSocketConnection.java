package io.pushgateway.transport.websocket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.hub.PreFraming;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.transport.ChannelConnection;

/**
 * A connection over a WebSocket on Reactor Netty: frames travel as text or binary
 * WebSocket frames, and the connection ends with a close frame carrying the close code
 * (the queueing and slow-consumer policies are {@link ChannelConnection}'s); a push and a
 * pong go out as a whole frame built once for every WebSocket connection of their codec
 * ({@link WebSocketFraming}).
 *
 * @author Push Gateway team
 */
final class WebSocketConnection extends ChannelConnection {

	/** A close frame's reason may hold at most 123 bytes. */
	private static final int MAX_REASON_BYTES = 123;

	WebSocketConnection(long socketId, PushPrincipal principal, Set<String> guids, FrameCodec codec, long now,
			Channel channel, long maxQueuedBytes, Duration closeTimeout, GatewayMetrics metrics,
			Consumer<? super ChannelConnection> onClosing) {
		super(socketId, principal, guids, codec, now, channel, maxQueuedBytes, closeTimeout, metrics, onClosing);
	}

	@Override
	public PreFraming preFraming() {
		return WebSocketFraming.INSTANCE;
	}

	@Override
	protected WebSocketFrame wrap(ByteBuf frame) {
		return codec().binary() ? new BinaryWebSocketFrame(frame) : new TextWebSocketFrame(frame);
	}

	@Override
	protected void sendClose(int code, String reason) {
		Channel channel = channel();
		// half-close once the close frame is written: the client reads the close frame
		// and
		// the end of the stream, while what it still sends is read and dropped. Closing
		// the socket at once (Reactor Netty's sendClose) would make the kernel reset a
		// connection with unread input, and the reset discards the close frame before the
		// client reads it: a flooding client would see "connection reset" instead of its
		// close code
		channel.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason))).addListener((future) -> {
			if (future.isSuccess() && channel instanceof DuplexChannel duplex) {
				duplex.shutdownOutput();
			}
			else {
				channel.close();
			}
		});
	}

	private static String truncate(String reason) {
		byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
		if (bytes.length <= MAX_REASON_BYTES) {
			return reason;
		}
		String cut = new String(bytes, 0, MAX_REASON_BYTES, StandardCharsets.UTF_8);
		// drop a character the cut may have split
		return cut.substring(0, cut.length() - 1);
	}

}
