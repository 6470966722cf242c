package io.pushgateway.transport.websocket;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

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
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.PushAuthenticator;
import io.pushgateway.spi.PushPrincipal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import org.springframework.web.cors.CorsConfiguration;

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

	private final WebSocketSettings settings;

	private final List<FrameCodec> codecs;

	private final List<WebsocketServerSpec> specs;

	private final PushAuthenticator authenticator;

	private final GuidAuthorizer guidAuthorizer;

	private final LocalHub hub;

	private final ClientFrameHandler frameHandler;

	private final SnowflakeIdGenerator ids;

	private final NodeLifecycle lifecycle;

	private final GatewayMetrics metrics;

	private final String nodeId;

	private final CorsConfiguration origins = new CorsConfiguration();

	private final java.time.Clock clock;

	private @Nullable RecoveryCoordinator recovery;

	/**
	 * Recover each new connection's user stream (embedded or Redis store).
	 * @param recovery the recovery coordinator
	 */
	public void setRecovery(RecoveryCoordinator recovery) {
		this.recovery = recovery;
	}

	public WebSocketHandshakeHandler(WebSocketSettings settings, List<FrameCodec> codecs,
			PushAuthenticator authenticator, GuidAuthorizer guidAuthorizer, LocalHub hub,
			ClientFrameHandler frameHandler, SnowflakeIdGenerator ids, NodeLifecycle lifecycle, GatewayMetrics metrics,
			String nodeId, java.time.Clock clock) {
		this.settings = settings;
		this.codecs = List.copyOf(codecs);
		this.specs = this.codecs.stream()
			.map((codec) -> WebsocketServerSpec.builder()
				.protocols(codec.subprotocol())
				.maxFramePayloadLength(settings.maxFrameSize())
				.handlePing(true)
				.build())
			.toList();
		this.authenticator = authenticator;
		this.guidAuthorizer = guidAuthorizer;
		this.hub = hub;
		this.frameHandler = frameHandler;
		this.ids = ids;
		this.lifecycle = lifecycle;
		this.metrics = metrics;
		this.nodeId = nodeId;
		this.clock = clock;
		if (!settings.allowedOrigins().isEmpty()) {
			this.origins.setAllowedOriginPatterns(settings.allowedOrigins());
		}
	}

	@Override
	public Publisher<Void> apply(HttpServerRequest request, HttpServerResponse response) {
		if (!this.lifecycle.isAccepting()) {
			return reject(response, 503, "unavailable", "node is shutting down");
		}
		if (!request.requestHeaders().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
			return reject(response, 400, "bad_request", "WebSocket upgrade required");
		}
		if (!originAllowed(request)) {
			return reject(response, 403, "forbidden", "origin not allowed");
		}
		int codecIndex = negotiate(request.requestHeaders().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
		if (codecIndex < 0) {
			return reject(response, 400, "bad_request", "no supported subprotocol; offer one of "
					+ this.codecs.stream().map(FrameCodec::subprotocol).toList());
		}
		NettyHandshakeRequest handshake = new NettyHandshakeRequest(request);
		String since = handshake.queryParam("since");
		if (since != null && !Frames.isPosition(since)) {
			return reject(response, 400, "bad_request", "query parameter 'since' is not a position");
		}
		return Mono.defer(() -> this.authenticator.authenticate(handshake))
			.switchIfEmpty(Mono.error(() -> HandshakeRejectedException.unauthorized("missing or invalid credentials")))
			.flatMap((principal) -> authorizeGuids(principal, handshake.queryParams("guid")))
			.flatMap((admitted) -> {
				this.metrics.handshake("accepted");
				return response.sendWebsocket((in, out) -> connect(in, out, admitted.principal(), admitted.guids(),
						this.codecs.get(codecIndex), since), this.specs.get(codecIndex));
			})
			.onErrorResume(HandshakeRejectedException.class, (ex) -> reject(response, ex.getStatus(),
					(ex.getStatus() == 403) ? "forbidden" : "unauthorized", ex.getMessage()));
	}

	private Mono<Admitted> authorizeGuids(PushPrincipal principal, List<String> requested) {
		Set<String> guids = new LinkedHashSet<>(principal.guids());
		List<String> extra = requested.stream().filter((guid) -> !guids.contains(guid)).distinct().toList();
		if (guids.size() + extra.size() > this.settings.maxGuidsPerConnection()) {
			return Mono.error(HandshakeRejectedException.forbidden("too many GUIDs"));
		}
		return Flux.fromIterable(extra)
			.concatMap((guid) -> this.guidAuthorizer.canJoin(principal, guid)
				.defaultIfEmpty(false)
				.flatMap((allowed) -> allowed ? Mono.just(guid)
						: Mono.error(HandshakeRejectedException.forbidden("not allowed to join '" + guid + "'"))))
			.doOnNext(guids::add)
			.then(Mono.fromSupplier(() -> new Admitted(principal, guids)));
	}

	private Publisher<Void> connect(WebsocketInbound in, WebsocketOutbound out, PushPrincipal principal,
			Set<String> guids, FrameCodec codec, @Nullable String since) {
		Channel[] channel = new Channel[1];
		in.withConnection((connection) -> channel[0] = connection.channel());
		WebSocketConnection connection = new WebSocketConnection(this.ids.nextId(), principal, guids, codec,
				this.clock.millis(), channel[0], out, this.settings.maxQueuedBytes(), this.settings.closeTimeout(),
				this.metrics);
		for (PushConnection evicted : this.hub.register(connection)) {
			this.metrics.closed("replaced");
			evicted.close(CloseCodes.REPLACED, "replaced by a newer connection of the same user");
		}
		connection.send(new ServerFrame.Welcome(connection.socketId(), principal.uid(), this.nodeId,
				this.settings.heartbeatInterval().toMillis(), connection.guids()));
		if (this.recovery != null) {
			this.recovery.recover(connection, "user:" + principal.uid(), since, null);
		}
		return in.aggregateFrames(this.settings.maxFrameSize())
			.receiveFrames()
			.doOnNext((frame) -> onFrame(connection, channel[0], frame))
			.onErrorResume((error) -> {
				onInboundError(connection, error);
				return Mono.empty();
			})
			.then()
			.doFinally((signal) -> this.hub.unregister(connection));
	}

	private void onFrame(WebSocketConnection connection, Channel channel, WebSocketFrame frame) {
		if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
			this.frameHandler.onFrame(connection, ByteBufUtil.getBytes(frame.content()),
					frame instanceof BinaryWebSocketFrame);
		}
		else if (frame instanceof PingWebSocketFrame) {
			this.frameHandler.onHeartbeat(connection);
			channel.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
		}
		else if (frame instanceof PongWebSocketFrame) {
			this.frameHandler.onHeartbeat(connection);
		}
	}

	private void onInboundError(WebSocketConnection connection, Throwable error) {
		if (error instanceof TooLongFrameException || (error instanceof CorruptedWebSocketFrameException corrupted
				&& corrupted.closeStatus() != null && corrupted.closeStatus().code() == CloseCodes.MESSAGE_TOO_BIG)) {
			this.metrics.closed("message_too_big");
			connection.close(CloseCodes.MESSAGE_TOO_BIG,
					"message larger than " + this.settings.maxFrameSize() + " bytes");
		}
		else if (error instanceof CorruptedWebSocketFrameException corrupted) {
			this.metrics.closed("protocol_error");
			connection.close((corrupted.closeStatus() != null) ? corrupted.closeStatus().code() : 1002,
					"protocol error");
		}
		else {
			if (logger.isDebugEnabled()) {
				logger.debug("Connection " + connection.socketId() + " failed", error);
			}
			connection.close(CloseCodes.INTERNAL_ERROR, "internal error");
		}
	}

	private boolean originAllowed(HttpServerRequest request) {
		String origin = request.requestHeaders().get(HttpHeaderNames.ORIGIN);
		if (origin == null) {
			// not a browser: an origin check protects browsers only
			return true;
		}
		if (sameOrigin(origin, request.requestHeaders().get(HttpHeaderNames.HOST))) {
			return true;
		}
		return !this.settings.allowedOrigins().isEmpty() && this.origins.checkOrigin(origin) != null;
	}

	private static boolean sameOrigin(String origin, @Nullable String host) {
		if (host == null) {
			return false;
		}
		try {
			URI uri = URI.create(origin);
			String authority = uri.getRawAuthority();
			return authority != null && authority.equalsIgnoreCase(host);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private int negotiate(@Nullable String offered) {
		if (offered == null || offered.isBlank()) {
			return 0;
		}
		for (String candidate : offered.split(",")) {
			String name = candidate.trim();
			for (int i = 0; i < this.codecs.size(); i++) {
				if (this.codecs.get(i).subprotocol().equals(name)) {
					return i;
				}
			}
		}
		return -1;
	}

	private Mono<Void> reject(HttpServerResponse response, int status, String outcome, String reason) {
		this.metrics.handshake(outcome);
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
			.sendString(Mono.just(reason + "\n"))
			.then();
	}

	private record Admitted(PushPrincipal principal, Set<String> guids) {
	}

}
