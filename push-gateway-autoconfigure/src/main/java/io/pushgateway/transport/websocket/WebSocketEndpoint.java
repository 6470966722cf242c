package io.pushgateway.transport.websocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Set;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.Frames;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.hub.ClientFrameHandler;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.NodeLifecycle;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.hub.RecoveryCoordinator;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.IpLimits;
import io.pushgateway.transport.NettyHandshakeRequest;
import io.pushgateway.transport.RequestTargets;
import io.pushgateway.transport.TransportContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * What the WebSocket endpoint does whichever server path carries the upgrade (a Netty
 * handler ahead of Reactor Netty's HTTP server, or a Reactor Netty route): the checks
 * before authentication and their refusals, admission, opening the connection, and the
 * handling of each frame the client sends.
 *
 * @author Push Gateway team
 */
public final class WebSocketEndpoint {

	private static final Log logger = LogFactory.getLog(WebSocketEndpoint.class);

	private final WebSocketSettings settings;

	private final Admission admission;

	private final LocalHub hub;

	private final ClientFrameHandler frameHandler;

	private final SnowflakeIdGenerator ids;

	private final NodeLifecycle lifecycle;

	private final GatewayMetrics metrics;

	private final String nodeId;

	private final Clock clock;

	/** Recovers each new connection's user stream; {@code null} without recovery. */
	private final @Nullable RecoveryCoordinator recovery;

	public WebSocketEndpoint(WebSocketSettings settings, TransportContext context) {
		this.settings = settings;
		this.admission = context.admission();
		this.hub = context.hub();
		this.frameHandler = context.frames();
		this.ids = context.ids();
		this.lifecycle = context.lifecycle();
		this.metrics = context.metrics();
		this.nodeId = context.nodeId();
		this.clock = context.clock();
		this.recovery = context.recovery();
	}

	WebSocketSettings settings() {
		return this.settings;
	}

	Admission admission() {
		return this.admission;
	}

	/**
	 * Check an upgrade request before authentication: the node accepts, the request is a
	 * WebSocket upgrade of version 13 with a key, the client's address is within its
	 * limits, the origin is allowed, a subprotocol is supported, the query string is well
	 * formed and {@code since} a position. A refusal is counted.
	 * @param uri the request target
	 * @param headers the request's headers
	 * @param client the client's address, or {@code null} when unknown
	 * @return the refusal, or the request to admit
	 */
	Checked check(String uri, HttpHeaders headers, @Nullable InetSocketAddress client) {
		if (!this.lifecycle.isAccepting()) {
			return refused(503, "unavailable", "node is shutting down");
		}
		if (!headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
			return refused(400, "bad_request", "WebSocket upgrade required");
		}
		// checked here rather than left to Netty's handshaker, which would log each such
		// request as an ERROR with a stack trace: any client could flood the log
		if (!"13".equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
			return refused(426, "bad_request", "WebSocket version 13 required");
		}
		String key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
		if (key == null || key.isBlank()) {
			return refused(400, "bad_request", "Sec-WebSocket-Key required");
		}
		IpLimits.Refusal limited = this.admission.limited(client);
		if (limited != null) {
			return refused(429, "rate_limited", limited.reason());
		}
		if (!this.admission.originAllowed(headers)) {
			return refused(403, "forbidden", "origin not allowed");
		}
		String offered = headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
		int codecIndex = this.admission.negotiate(offered);
		if (codecIndex < 0) {
			return refused(400, "bad_request",
					"no supported subprotocol; offer one of " + this.admission.subprotocols());
		}
		NettyHandshakeRequest request;
		try {
			request = new NettyHandshakeRequest(uri, headers, client);
		}
		catch (IllegalArgumentException ex) {
			// the decoder's message repeats the request target, credentials and all
			return refused(400, "bad_request", RequestTargets.MALFORMED_QUERY);
		}
		String since = request.queryParam("since");
		if (since != null && !Frames.isPosition(since)) {
			return refused(400, "bad_request", "query parameter 'since' is not a position");
		}
		return new Checked(null, request, codecIndex, offered == null || offered.isBlank(), since);
	}

	private Checked refused(int status, String outcome, String reason) {
		this.metrics.handshake(outcome);
		return new Checked(new Refusal(status, reason), null, -1, false, null);
	}

	/**
	 * Authenticate a checked request, authorize its GUIDs and read where its user's
	 * stream stands; counts the handshake accepted.
	 * @param checked the request that passed {@link #check}
	 * @return the admitted client, or an error with a
	 * {@link io.pushgateway.spi.HandshakeRejectedException}
	 */
	Mono<Admission.Admitted> admit(Checked checked) {
		return this.admission.admit(checked.request())
			.flatMap((admitted) -> admitted.readingUserStream(this.recovery, checked.since()))
			.doOnNext((admitted) -> this.metrics.handshake("accepted"));
	}

	/**
	 * Open the connection of an upgraded channel: register it, welcome it, start its
	 * recovery. On the channel's event loop.
	 * @param channel the upgraded channel
	 * @param admitted the admitted client
	 * @param codecIndex the negotiated codec
	 * @param since the client's position, or {@code null}
	 * @param remote the client's address, or {@code null}
	 * @return the connection
	 */
	WebSocketConnection open(Channel channel, Admission.Admitted admitted, int codecIndex, @Nullable String since,
			@Nullable InetAddress remote) {
		PushPrincipal principal = admitted.principal();
		Set<String> guids = admitted.guids();
		FrameCodec codec = this.admission.codecs().get(codecIndex);
		WebSocketConnection connection = new WebSocketConnection(this.ids.nextId(), principal, guids, codec,
				this.clock.millis(), channel, this.settings.maxQueuedBytes(), this.settings.closeTimeout(),
				this.metrics, this.hub::unregister);
		connection.setRemoteAddress(remote);
		this.admission.ipLimits().opened(remote);
		for (PushConnection evicted : this.hub.register(connection)) {
			this.metrics.closed(CloseReason.REPLACED);
			evicted.close(CloseCodes.REPLACED, "replaced by a newer connection of the same user");
		}
		connection.send(new ServerFrame.Welcome(connection.socketId(), principal.uid(), this.nodeId,
				this.settings.heartbeatInterval().toMillis(), connection.guids()));
		this.frameHandler.welcomed(connection);
		if (this.recovery != null && admitted.userStream() != null) {
			this.recovery.start(connection, "user:" + principal.uid(), admitted.userStream());
		}
		else if (this.recovery != null) {
			this.recovery.recover(connection, "user:" + principal.uid(), since, null);
		}
		return connection;
	}

	/**
	 * The connection ended: it leaves the hub and its address's count.
	 * @param connection the connection
	 */
	void ended(WebSocketConnection connection) {
		this.hub.unregister(connection);
		this.admission.ipLimits().closed(connection.remoteAddress());
	}

	/**
	 * Handle a data or control frame the client sent (not a close frame).
	 * @param connection the connection
	 * @param frame the frame, which the caller releases
	 */
	void onFrame(WebSocketConnection connection, WebSocketFrame frame) {
		if (!connection.isOpen()) {
			// closing: what the client still sends is dropped
			return;
		}
		if (frame.rsv() != 0) {
			// the decoder allows extensions; this server negotiates none, so a reserved
			// bit is a protocol error (RFC 6455, section 5.2)
			this.metrics.closed(CloseReason.PROTOCOL_ERROR);
			connection.close(CloseCodes.PROTOCOL_ERROR, "reserved bits set without an extension");
			return;
		}
		if (frame.content().readableBytes() > this.settings.maxFrameSize()) {
			this.metrics.closed(CloseReason.MESSAGE_TOO_BIG);
			connection.close(CloseCodes.MESSAGE_TOO_BIG,
					"message larger than " + this.settings.maxFrameSize() + " bytes");
			return;
		}
		if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
			this.frameHandler.onFrame(connection, ByteBufUtil.getBytes(frame.content()),
					frame instanceof BinaryWebSocketFrame);
		}
		else if (frame instanceof PingWebSocketFrame) {
			// a ping counts against the rate limits, and its pong is bounded like any
			// frame the connection writes: a client that pings and never reads is closed
			// (4008) or unanswered, never a growing buffer
			if (this.frameHandler.onHeartbeat(connection, frame.content().readableBytes())) {
				connection.writeControl(new PongWebSocketFrame(frame.content().retain()));
			}
		}
		else if (frame instanceof PongWebSocketFrame) {
			this.frameHandler.onHeartbeat(connection, frame.content().readableBytes());
		}
	}

	/**
	 * Handle an error reading the client's frames: a frame too large ({@code 1009}), a
	 * protocol error ({@code 1002}), an ordinary disconnect, or a failure ({@code 1011}).
	 * @param connection the connection
	 * @param error the error
	 */
	void onInboundError(WebSocketConnection connection, Throwable error) {
		if (error instanceof TooLongFrameException || (error instanceof CorruptedWebSocketFrameException corrupted
				&& corrupted.closeStatus() != null && corrupted.closeStatus().code() == CloseCodes.MESSAGE_TOO_BIG)) {
			this.metrics.closed(CloseReason.MESSAGE_TOO_BIG);
			connection.close(CloseCodes.MESSAGE_TOO_BIG,
					"message larger than " + this.settings.maxFrameSize() + " bytes");
		}
		else if (error instanceof CorruptedWebSocketFrameException corrupted) {
			this.metrics.closed(CloseReason.PROTOCOL_ERROR);
			connection.close(
					(corrupted.closeStatus() != null) ? corrupted.closeStatus().code() : CloseCodes.PROTOCOL_ERROR,
					"protocol error");
		}
		else if (error instanceof IOException) {
			// the client went away without a close frame (a reset, an abrupt end): an
			// ordinary disconnect, not a server error; the connection leaves the hub when
			// its channel ends
			if (logger.isDebugEnabled()) {
				logger.debug("Connection " + connection.socketId() + " ended: " + error);
			}
		}
		else {
			if (logger.isDebugEnabled()) {
				logger.debug("Connection " + connection.socketId() + " failed", error);
			}
			connection.close(CloseCodes.INTERNAL_ERROR, "internal error");
		}
	}

	/**
	 * An upgrade request refused before authentication: the HTTP status and the reason
	 * sent as plain text ({@code 426} also names the version the server speaks).
	 *
	 * @param status the HTTP status
	 * @param reason the reason
	 */
	record Refusal(int status, String reason) {
	}

	/**
	 * The outcome of {@link #check}: a refusal, or the request to admit.
	 *
	 * @param refusal the refusal, or {@code null} when the request passed
	 * @param request the request to admit, or {@code null} when refused
	 * @param codecIndex the negotiated codec's index
	 * @param unnamed whether the client offered no subprotocol (the default codec's, and
	 * no protocol named in the answer)
	 * @param since the client's position, or {@code null}
	 */
	record Checked(@Nullable Refusal refusal, @Nullable NettyHandshakeRequest request, int codecIndex, boolean unnamed,
			@Nullable String since) {

		@Override
		public NettyHandshakeRequest request() {
			if (this.request == null) {
				throw new IllegalStateException("refused: " + this.refusal);
			}
			return this.request;
		}

	}

}
