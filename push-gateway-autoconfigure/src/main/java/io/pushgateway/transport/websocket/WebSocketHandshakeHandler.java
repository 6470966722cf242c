package io.pushgateway.transport.websocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
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
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.ExchangeIdentity;
import io.pushgateway.transport.NettyHandshakeRequest;
import io.pushgateway.transport.RequestTargets;
import io.pushgateway.transport.TransportContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.util.context.Context;

/**
 * Handles a request to the WebSocket endpoint: checks the origin, negotiates the
 * subprotocol, authenticates and authorizes requested GUIDs, all before the upgrade, so a
 * rejected client gets an HTTP status and never an open socket; then runs the connection.
 *
 * @author Push Gateway team
 */
public final class WebSocketHandshakeHandler
		implements BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> {

	private static final Log logger = LogFactory.getLog(WebSocketHandshakeHandler.class);

	/**
	 * Reactor's context key for a subscriber-local dropped-error hook. A client that goes
	 * away without a close frame makes Reactor Netty report the aborted inbound after the
	 * connection's pipeline already ended, which Reactor would log at ERROR with a stack
	 * trace, once per connection: thousands of lines when a node's clients all drop at
	 * once. It is an ordinary disconnect, so this connection's chain logs it at DEBUG.
	 */
	private static final Context DROPPED_ERRORS = Context.of("reactor.onErrorDropped.local",
			(Consumer<Throwable>) (error) -> {
				if (logger.isDebugEnabled()) {
					logger.debug("Error after the connection ended: " + error);
				}
			});

	private final WebSocketSettings settings;

	private final Admission admission;

	private final List<WebsocketServerSpec> specs;

	/**
	 * The spec for a client that offers no subprotocol. Reactor Netty never runs the
	 * handler of an upgrade whose spec names protocols when the client selected none (it
	 * answers 101 and then leaves the socket open and unserved), so such a client, which
	 * speaks the default codec, gets a spec without protocols.
	 */
	private final WebsocketServerSpec unnamedSpec;

	private final LocalHub hub;

	private final ClientFrameHandler frameHandler;

	private final SnowflakeIdGenerator ids;

	private final NodeLifecycle lifecycle;

	private final GatewayMetrics metrics;

	private final String nodeId;

	private final Clock clock;

	/** Recovers each new connection's user stream; {@code null} without recovery. */
	private final @Nullable RecoveryCoordinator recovery;

	public WebSocketHandshakeHandler(WebSocketSettings settings, TransportContext context) {
		this.recovery = context.recovery();
		this.settings = settings;
		this.admission = context.admission();
		this.specs = this.admission.codecs().stream().map((codec) -> spec(settings, codec.subprotocol())).toList();
		this.unnamedSpec = spec(settings, null);
		this.hub = context.hub();
		this.frameHandler = context.frames();
		this.ids = context.ids();
		this.lifecycle = context.lifecycle();
		this.metrics = context.metrics();
		this.nodeId = context.nodeId();
		this.clock = context.clock();
	}

	private static WebsocketServerSpec spec(WebSocketSettings settings, @Nullable String subprotocol) {
		WebsocketServerSpec.Builder builder = WebsocketServerSpec.builder()
			// Netty's decoder answers a frame above its limit by closing the socket at
			// once, which can reset the connection before the client reads the 1009;
			// frames up to twice the limit are read and refused here, gracefully
			.maxFramePayloadLength((int) Math.min(Integer.MAX_VALUE, 2L * settings.maxFrameSize()))
			.handlePing(true);
		if (subprotocol != null) {
			builder.protocols(subprotocol);
		}
		return builder.build();
	}

	@Override
	public Publisher<Void> apply(HttpServerRequest request, HttpServerResponse response) {
		// behind Spring Security the client's address is the one WebFlux computed
		return Mono.deferContextual(
				(context) -> Mono.from(handshake(request, response, ExchangeIdentity.clientAddress(context, request))));
	}

	private Publisher<Void> handshake(HttpServerRequest request, HttpServerResponse response,
			@Nullable InetSocketAddress client) {
		if (!this.lifecycle.isAccepting()) {
			return this.admission.reject(response, 503, "unavailable", "node is shutting down");
		}
		if (!request.requestHeaders().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
			return this.admission.reject(response, 400, "bad_request", "WebSocket upgrade required");
		}
		// checked here rather than left to Netty's handshaker, which would log each such
		// request as an ERROR with a stack trace: any client could flood the log
		String version = request.requestHeaders().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
		if (!"13".equals(version)) {
			response.header(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
			return this.admission.reject(response, 426, "bad_request", "WebSocket version 13 required");
		}
		String key = request.requestHeaders().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
		if (key == null || key.isBlank()) {
			return this.admission.reject(response, 400, "bad_request", "Sec-WebSocket-Key required");
		}
		Mono<Void> limited = this.admission.limit(client, response);
		if (limited != null) {
			return limited;
		}
		if (!this.admission.originAllowed(request)) {
			return this.admission.reject(response, 403, "forbidden", "origin not allowed");
		}
		String offered = request.requestHeaders().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
		int codecIndex = this.admission.negotiate(offered);
		if (codecIndex < 0) {
			return this.admission.reject(response, 400, "bad_request",
					"no supported subprotocol; offer one of " + this.admission.subprotocols());
		}
		NettyHandshakeRequest handshake;
		try {
			handshake = new NettyHandshakeRequest(request);
		}
		catch (IllegalArgumentException ex) {
			// the decoder's message repeats the request target, credentials and all
			return this.admission.reject(response, 400, "bad_request", RequestTargets.MALFORMED_QUERY);
		}
		String since = handshake.queryParam("since");
		if (since != null && !Frames.isPosition(since)) {
			return this.admission.reject(response, 400, "bad_request", "query parameter 'since' is not a position");
		}
		return this.admission.admit(handshake)
			.flatMap((admitted) -> admitted.readingUserStream(this.recovery, since))
			.flatMap((admitted) -> {
				this.metrics.handshake("accepted");
				return response.sendWebsocket((in, out) -> {
					// Reactor Netty keeps the upgrade request and response for the life
					// of
					// the
					// socket; their headers (the token among them) are not needed after
					// the
					// handshake and are a large share of an idle connection's heap
					request.requestHeaders().clear();
					response.responseHeaders().clear();
					return connect(in, out, admitted, this.admission.codecs().get(codecIndex), since,
							(client != null) ? client.getAddress() : null);
				}, (offered == null || offered.isBlank()) ? this.unnamedSpec : this.specs.get(codecIndex));
			})
			.onErrorResume(HandshakeRejectedException.class, (ex) -> this.admission.reject(response, ex));
	}

	private Publisher<Void> connect(WebsocketInbound in, WebsocketOutbound out, Admission.Admitted admitted,
			FrameCodec codec, @Nullable String since, @Nullable InetAddress remote) {
		PushPrincipal principal = admitted.principal();
		Set<String> guids = admitted.guids();
		Channel[] channel = new Channel[1];
		in.withConnection((connection) -> channel[0] = connection.channel());
		WebSocketConnection connection = new WebSocketConnection(this.ids.nextId(), principal, guids, codec,
				this.clock.millis(), channel[0], this.settings.maxQueuedBytes(), this.settings.closeTimeout(),
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
		return in.aggregateFrames(this.settings.maxFrameSize())
			.receiveFrames()
			.doOnNext((frame) -> onFrame(connection, frame))
			.onErrorResume((error) -> {
				onInboundError(connection, error);
				return Mono.empty();
			})
			.then()
			.doFinally((signal) -> {
				this.hub.unregister(connection);
				this.admission.ipLimits().closed(remote);
			})
			.contextWrite(DROPPED_ERRORS);
	}

	private void onFrame(WebSocketConnection connection, WebSocketFrame frame) {
		if (!connection.isOpen()) {
			// closing: what the client still sends is dropped
			return;
		}
		if (frame.rsv() != 0) {
			// Reactor Netty's decoder always allows extensions; this server negotiates
			// none, so a reserved bit is a protocol error (RFC 6455, section 5.2)
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

	private void onInboundError(WebSocketConnection connection, Throwable error) {
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
			// its inbound ends
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

}
