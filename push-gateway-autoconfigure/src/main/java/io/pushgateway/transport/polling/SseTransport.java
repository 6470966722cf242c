package io.pushgateway.transport.polling;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.pushgateway.codec.Frames;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.codec.SseFrameCodec;
import io.pushgateway.hub.ClientFrameHandler;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.NodeLifecycle;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.hub.RecoveryCoordinator;
import io.pushgateway.hub.RelayEndpoint;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.ExchangeIdentity;
import io.pushgateway.transport.GatewayRoutes;
import io.pushgateway.transport.NettyHandshakeRequest;
import io.pushgateway.transport.RequestTargets;
import io.pushgateway.transport.TransportContext;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The Server-Sent Events transport: {@code GET {path}} is a stream of the JSON protocol's
 * frames as events, for browsers' {@code EventSource}, {@code curl -N} and clients behind
 * proxies that do not pass WebSocket; {@code POST {path}/send?session=...} carries the
 * client's frames (messages, joins, acks, pings). A stream is an ordinary
 * {@link PushConnection}: same admission, socket IDs, registry entries, limits and
 * recovery as a WebSocket. {@code Last-Event-ID} resumes the user's stream from the last
 * position the client received.
 *
 * <p>
 * No sticky sessions are needed: the session handle names the node that holds the stream,
 * and a send that reaches another node is relayed to it over the {@link ClusterBus}, as
 * long-polling's are. See {@code docs/protocol.md}.
 *
 * @author Push Gateway team
 */
public final class SseTransport implements GatewayRoutes, RelayEndpoint {

	/** The relay channel of this transport. */
	static final String CHANNEL = "sse";

	private final SseSettings settings;

	private final Admission admission;

	private final LocalHub hub;

	private final ClientFrameHandler frameHandler;

	private final SnowflakeIdGenerator ids;

	private final NodeLifecycle lifecycle;

	private final ClusterBus bus;

	private final GatewayMetrics metrics;

	private final String nodeId;

	private final Clock clock;

	private final ConcurrentHashMap<Long, SseConnection> sessions = new ConcurrentHashMap<>();

	private final PollingRelay relay;

	private final PostedFrames sends;

	private final SessionHandles handles;

	private final @Nullable RecoveryCoordinator recovery;

	public SseTransport(SseSettings settings, TransportContext context) {
		this.settings = settings;
		this.admission = context.admission();
		this.hub = context.hub();
		this.frameHandler = context.frames();
		this.ids = context.ids();
		this.lifecycle = context.lifecycle();
		this.bus = context.bus();
		this.metrics = context.metrics();
		this.nodeId = context.nodeId();
		this.handles = new SessionHandles(this.nodeId);
		this.clock = context.clock();
		this.recovery = context.recovery();
		// sends only: there are no polls to relay
		this.relay = new PollingRelay(CHANNEL, Duration.ZERO, 0, this.bus, this.ids, this.nodeId, 0, (handle) -> {
			SseConnection session = find(handle);
			return (session != null) ? target(session) : null;
		});
		this.sends = new PostedFrames(this.settings.maxFrameSize(), this.frameHandler, this.relay,
				(handle) -> handle.node().equals(this.nodeId) || !this.bus.reachesOtherNodes(), (handle) -> {
					SseConnection session = find(handle);
					return (session != null && session.isOpen()) ? session : null;
				});
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		return routes.route(RequestTargets.pathUnder(this.settings.path()), this::handle);
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		String path = RequestTargets.rawPath(request.uri()).substring(this.settings.path().length());
		HttpMethod method = request.method();
		Publisher<Void> answered = this.admission.crossOrigin(request, response, null,
				"Authorization, Content-Type, Last-Event-ID",
				() -> this.admission.reject(response, 403, "forbidden", "origin not allowed"));
		if (answered != null) {
			return answered;
		}
		response.header(HttpHeaderNames.CACHE_CONTROL, "no-store");
		if (method == HttpMethod.GET && path.isEmpty()) {
			// behind Spring Security the client's address is the one WebFlux computed
			return Mono.deferContextual((context) -> {
				try {
					return Mono.from(stream(request, response, ExchangeIdentity.clientAddress(context, request)));
				}
				catch (IllegalArgumentException ex) {
					// a malformed percent-escape; the decoder's message repeats the
					// target
					return this.admission.reject(response, 400, "bad_request", RequestTargets.MALFORMED_QUERY);
				}
			});
		}
		if (method == HttpMethod.POST && path.equals("/send")) {
			try {
				return this.sends.send(request, response);
			}
			catch (IllegalArgumentException ex) {
				return this.admission.reject(response, 400, "bad_request", RequestTargets.MALFORMED_QUERY);
			}
		}
		return PollingResponses.text(response, 404, "no such Server-Sent Events endpoint");
	}

	private Publisher<Void> stream(HttpServerRequest request, HttpServerResponse response,
			@Nullable InetSocketAddress client) {
		if (!this.lifecycle.isAccepting()) {
			return this.admission.reject(response, 503, "unavailable", "node is shutting down");
		}
		if (!acceptsEventStream(request.requestHeaders().get(HttpHeaderNames.ACCEPT))) {
			return this.admission.reject(response, 406, "bad_request", "this endpoint answers text/event-stream");
		}
		Mono<Void> limited = this.admission.limit(client, response);
		if (limited != null) {
			return limited;
		}
		NettyHandshakeRequest handshake = new NettyHandshakeRequest(request);
		String events = handshake.queryParam("events");
		if (events != null && !events.equals("named") && !events.equals("unnamed")) {
			return this.admission.reject(response, 400, "bad_request", "query parameter 'events' is named or unnamed");
		}
		SseFrameCodec codec = "unnamed".equals(events) ? SseFrameCodec.UNNAMED : SseFrameCodec.NAMED;
		// an EventSource that reconnects by itself sends the last event ID it received
		String since = handshake.queryParam("since");
		if (since == null) {
			since = request.requestHeaders().get("Last-Event-ID");
		}
		if (since != null && !Frames.isPosition(since)) {
			return this.admission.reject(response, 400, "bad_request", "'since' or 'Last-Event-ID' is not a position");
		}
		String position = since;
		Channel[] channel = new Channel[1];
		request.withConnection((connection) -> channel[0] = connection.channel());
		return this.admission.admit(handshake)
			.flatMap((admitted) -> admitted.readingUserStream(this.recovery, position))
			.flatMap((admitted) -> {
				this.metrics.handshake("accepted");
				// the stream's headers (the token among them) are not needed once it runs
				request.requestHeaders().clear();
				return response.sse()
					.header("X-Accel-Buffering", "no")
					.sendHeaders()
					.then()
					.then(Mono.<Void>create((sink) -> {
						Channel stream = channel[0];
						stream.closeFuture().addListener((future) -> sink.success());
						stream.eventLoop()
							.execute(() -> start(admitted, codec, stream, position,
									(client != null) ? client.getAddress() : null));
					}));
			})
			.onErrorResume(HandshakeRejectedException.class, (ex) -> this.admission.reject(response, ex));
	}

	private void start(Admission.Admitted admitted, SseFrameCodec codec, Channel channel, @Nullable String since,
			@Nullable InetAddress remote) {
		SseConnection connection = new SseConnection(this.ids.nextId(), admitted.principal(), admitted.guids(), codec,
				this.clock, channel, this.handles.newSecret(), this.settings.maxQueuedBytes(),
				this.settings.closeTimeout(), this.metrics, this.hub::unregister);
		connection.setRemoteAddress(remote);
		this.sessions.put(connection.socketId(), connection);
		this.admission.ipLimits().opened(remote);
		channel.closeFuture().addListener((future) -> {
			connection.ended();
			this.sessions.remove(connection.socketId(), connection);
			this.hub.unregister(connection);
			this.admission.ipLimits().closed(remote);
		});
		if (!channel.isActive()) {
			return;
		}
		for (PushConnection evicted : this.hub.register(connection)) {
			this.metrics.closed(CloseReason.REPLACED);
			evicted.close(CloseCodes.REPLACED, "replaced by a newer connection of the same user");
		}
		connection.send(new ServerFrame.Welcome(connection.socketId(), connection.uid(), this.nodeId,
				this.settings.heartbeatInterval().toMillis(), connection.guids(), handle(connection)));
		this.frameHandler.welcomed(connection);
		connection.startHeartbeat(this.settings.heartbeatInterval());
		if (this.recovery != null && admitted.userStream() != null) {
			this.recovery.start(connection, "user:" + connection.uid(), admitted.userStream());
		}
		else if (this.recovery != null) {
			this.recovery.recover(connection, "user:" + connection.uid(), since, null);
		}
	}

	private RelayTarget target(SseConnection session) {
		return new RelayTarget() {

			@Override
			public void poll(long ack, Consumer<Batch> answer) {
				answer.accept(Batch.error(404, "a stream has no polls"));
			}

			@Override
			public void send(byte[] body) {
				session.eventLoop().execute(() -> SseTransport.this.frameHandler.onFrame(session, body, false));
			}

			@Override
			public void close() {
				session.close(CloseCodes.NORMAL, "closed by client");
			}

		};
	}

	@Override
	public String channel() {
		return CHANNEL;
	}

	@Override
	public void onRelay(ClusterMessage.Relay relay) {
		this.relay.onRelay(relay);
	}

	private @Nullable SseConnection find(PollingHandle handle) {
		return this.handles.find(this.sessions, handle, SseConnection::secret);
	}

	private String handle(SseConnection session) {
		return this.handles.handle(session.socketId(), session.secret());
	}

	/*
	 * No Accept header, or one that takes text/event-stream, text/* or anything; the
	 * parameters of a media range do not matter here.
	 */
	private static boolean acceptsEventStream(@Nullable String accept) {
		if (accept == null) {
			return true;
		}
		for (String range : accept.split(",")) {
			int semicolon = range.indexOf(';');
			String type = ((semicolon >= 0) ? range.substring(0, semicolon) : range).trim();
			if (type.equalsIgnoreCase("text/event-stream") || type.equals("*/*") || type.equalsIgnoreCase("text/*")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The number of open streams on this node.
	 * @return the count
	 */
	public int sessionCount() {
		return this.sessions.size();
	}

}
