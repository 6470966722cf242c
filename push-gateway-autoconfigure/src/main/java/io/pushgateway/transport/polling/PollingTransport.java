package io.pushgateway.transport.polling;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.Frames;
import io.pushgateway.codec.ServerFrame;
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
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The HTTP long-polling transport, for clients that cannot open a WebSocket. A session is
 * an ordinary {@link PushConnection} on the node that opened it: same admission, socket
 * IDs, registry entries, limits and heartbeat timeout, so the rest of the system cannot
 * tell it from a WebSocket.
 *
 * <p>
 * No sticky sessions are needed. The session handle names the node that holds the
 * session; a poll, send or close that reaches another node is relayed to it over the
 * {@link ClusterBus}, and a poll's answer comes back the same way. See
 * {@code docs/protocol.md} for the endpoints and {@code docs/cluster.md} for the relay.
 *
 * @author Push Gateway team
 */
public final class PollingTransport implements GatewayRoutes, RelayEndpoint {

	private static final Log logger = LogFactory.getLog(PollingTransport.class);

	private static final String EXPOSED_HEADERS = "Push-Session, Push-Seq, Push-Close-Code, Push-Close-Reason";

	private final PollingSettings settings;

	private final Admission admission;

	private final LocalHub hub;

	private final ClientFrameHandler frameHandler;

	private final SnowflakeIdGenerator ids;

	private final NodeLifecycle lifecycle;

	private final ClusterBus bus;

	private final GatewayMetrics metrics;

	private final String nodeId;

	private final Clock clock;

	private final long holdMillis;

	private final ConcurrentHashMap<Long, PollingConnection> sessions = new ConcurrentHashMap<>();

	/** Carries requests for sessions held by other nodes, and answers theirs. */
	private final PollingRelay relay;

	private final SessionHandles handles;

	/** Recovers each new session's user stream; {@code null} without recovery. */
	private final @Nullable RecoveryCoordinator recovery;

	public PollingTransport(PollingSettings settings, Admission admission, LocalHub hub,
			ClientFrameHandler frameHandler, SnowflakeIdGenerator ids, NodeLifecycle lifecycle, ClusterBus bus,
			GatewayMetrics metrics, String nodeId, Duration heartbeatTimeout, Clock clock,
			@Nullable RecoveryCoordinator recovery) {
		this.recovery = recovery;
		this.settings = settings;
		this.admission = admission;
		this.hub = hub;
		this.frameHandler = frameHandler;
		this.ids = ids;
		this.lifecycle = lifecycle;
		this.bus = bus;
		this.metrics = metrics;
		this.nodeId = nodeId;
		this.handles = new SessionHandles(nodeId);
		this.clock = clock;
		// a waiting poll is the session's heartbeat: it must return well within the
		// timeout, or the session would count as idle while the client waits
		this.holdMillis = Math.max(1, Math.min(settings.hold().toMillis(), heartbeatTimeout.toMillis() / 2));
		this.relay = new PollingRelay(RelayedPolling.CHANNEL, settings.relayTimeout(), settings.maxRelayedPolls(), bus,
				ids, nodeId, this.holdMillis, (handle) -> {
					PollingConnection session = find(handle);
					return (session != null) ? target(session) : null;
				});
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		String base = this.settings.path();
		return routes.route((request) -> {
			String path = RequestTargets.rawPath(request.uri());
			return path.equals(base) || path.startsWith(base + "/");
		}, this::handle);
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		try {
			return route(request, response);
		}
		catch (IllegalArgumentException ex) {
			// a malformed percent-escape in the query string, say; the decoder's message
			// repeats the target, token and all
			return this.admission.reject(response, 400, "bad_request", RequestTargets.MALFORMED_QUERY);
		}
	}

	private Publisher<Void> route(HttpServerRequest request, HttpServerResponse response) {
		String path = RequestTargets.rawPath(request.uri()).substring(this.settings.path().length());
		HttpMethod method = request.method();
		String origin = request.requestHeaders().get(HttpHeaderNames.ORIGIN);
		if (origin != null && !this.admission.originAllowed(request)) {
			return this.admission.reject(response, 403, "forbidden", "origin not allowed");
		}
		this.admission.allowCrossOrigin(request, response, EXPOSED_HEADERS);
		response.header(HttpHeaderNames.CACHE_CONTROL, "no-store");
		if (method == HttpMethod.OPTIONS) {
			return this.admission.preflight(response, "Authorization, Content-Type");
		}
		if (method == HttpMethod.POST && path.equals("/open")) {
			return open(request, response);
		}
		if (method == HttpMethod.GET && path.isEmpty()) {
			return poll(request, response);
		}
		if (method == HttpMethod.POST && path.equals("/send")) {
			return send(request, response);
		}
		if (method == HttpMethod.POST && path.equals("/close")) {
			return close(request, response);
		}
		return text(response, 404, "no such long-polling endpoint");
	}

	private Publisher<Void> open(HttpServerRequest request, HttpServerResponse response) {
		// behind Spring Security the client's address is the one WebFlux computed
		return Mono.deferContextual((context) -> {
			try {
				return Mono.from(open(request, response, ExchangeIdentity.clientAddress(context, request)));
			}
			catch (IllegalArgumentException ex) {
				// a malformed percent-escape; the decoder's message repeats the target
				return Mono.from(this.admission.reject(response, 400, "bad_request", RequestTargets.MALFORMED_QUERY));
			}
		});
	}

	private Publisher<Void> open(HttpServerRequest request, HttpServerResponse response,
			@Nullable InetSocketAddress client) {
		if (!this.lifecycle.isAccepting()) {
			return this.admission.reject(response, 503, "unavailable", "node is shutting down");
		}
		Mono<Void> limited = this.admission.limit(client, response);
		if (limited != null) {
			return limited;
		}
		NettyHandshakeRequest handshake = new NettyHandshakeRequest(request);
		int codecIndex = this.admission.negotiate(handshake.queryParam("protocol"));
		if (codecIndex < 0) {
			return this.admission.reject(response, 400, "bad_request",
					"no supported protocol; ask for one of " + this.admission.subprotocols());
		}
		String since = handshake.queryParam("since");
		if (since != null && !Frames.isPosition(since)) {
			return this.admission.reject(response, 400, "bad_request", "query parameter 'since' is not a position");
		}
		Channel[] channel = new Channel[1];
		request.withConnection((connection) -> channel[0] = connection.channel());
		FrameCodec codec = this.admission.codecs().get(codecIndex);
		return this.admission.admit(handshake)
			.flatMap((admitted) -> admitted.readingUserStream(this.recovery, since))
			.flatMap((admitted) -> Mono.<Batch>create((sink) -> channel[0].eventLoop().execute(() -> {
				PollingConnection session = start(admitted, codec, channel[0], since,
						(client != null) ? client.getAddress() : null);
				response.header("Push-Session", handle(session));
				session.poll(0, sink::success);
			})))
			.flatMap((batch) -> respond(response, batch, codec))
			.onErrorResume(HandshakeRejectedException.class, (ex) -> this.admission.reject(response, ex));
	}

	private PollingConnection start(Admission.Admitted admitted, FrameCodec codec, Channel channel,
			@Nullable String since, @Nullable InetAddress remote) {
		PollingConnection session = new PollingConnection(this.ids.nextId(), admitted.principal(), admitted.guids(),
				codec, this.clock, channel.eventLoop(), this.handles.newSecret(), this.settings.maxQueuedBytes(),
				this.holdMillis, this.metrics, this::closed);
		this.metrics.handshake("accepted");
		this.sessions.put(session.socketId(), session);
		session.setRemoteAddress(remote);
		this.admission.ipLimits().opened(remote);
		for (PushConnection evicted : this.hub.register(session)) {
			this.metrics.closed(CloseReason.REPLACED);
			evicted.close(CloseCodes.REPLACED, "replaced by a newer connection of the same user");
		}
		session.send(new ServerFrame.Welcome(session.socketId(), session.uid(), this.nodeId,
				this.settings.heartbeatInterval().toMillis(), session.guids()));
		if (this.recovery != null && admitted.userStream() != null) {
			this.recovery.start(session, "user:" + session.uid(), admitted.userStream());
		}
		else if (this.recovery != null) {
			this.recovery.recover(session, "user:" + session.uid(), since, null);
		}
		return session;
	}

	private void closed(PollingConnection session) {
		this.hub.unregister(session);
		this.admission.ipLimits().closed(session.remoteAddress());
		// remembered a while, so the client's next poll learns how the session ended
		session.eventLoop().schedule(() -> {
			this.sessions.remove(session.socketId(), session);
			session.release();
		}, this.settings.linger().toMillis(), TimeUnit.MILLISECONDS);
	}

	private Publisher<Void> poll(HttpServerRequest request, HttpServerResponse response) {
		QueryStringDecoder query = new QueryStringDecoder(request.uri());
		PollingHandle handle = PollingHandle.parse(first(query, "session"));
		if (handle == null) {
			return text(response, 400, "query parameter 'session' is missing or malformed");
		}
		long ack;
		try {
			ack = Long.parseLong(String.valueOf(first(query, "ack")));
		}
		catch (NumberFormatException ex) {
			return text(response, 400, "query parameter 'ack' is missing or not a number");
		}
		if (!isLocal(handle)) {
			return this.relay.poll(handle, ack).flatMap((batch) -> respond(response, batch, null));
		}
		PollingConnection session = find(handle);
		if (session == null) {
			return text(response, 404, "unknown session");
		}
		return Mono.<Batch>create((sink) -> session.poll(ack, sink::success))
			.flatMap((batch) -> respond(response, batch, session.codec()));
	}

	private Publisher<Void> send(HttpServerRequest request, HttpServerResponse response) {
		PollingHandle handle = PollingHandle.parse(first(new QueryStringDecoder(request.uri()), "session"));
		if (handle == null) {
			return text(response, 400, "query parameter 'session' is missing or malformed");
		}
		long length = request.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
		if (length < 0) {
			return text(unread(response), 411, "Content-Length required");
		}
		if (length > this.settings.maxFrameSize()) {
			return text(unread(response), 413, "frame larger than " + this.settings.maxFrameSize() + " bytes");
		}
		PollingConnection session = isLocal(handle) ? find(handle) : null;
		if (isLocal(handle) && session == null) {
			return text(response, 404, "unknown session");
		}
		return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap((bytes) -> {
			if (session != null) {
				session.eventLoop().execute(() -> this.frameHandler.onFrame(session, bytes, session.codec().binary()));
				return response.status(204).send().then();
			}
			return this.relay.forward(handle, RelayedPolling.Op.SEND, bytes, response);
		});
	}

	private Publisher<Void> close(HttpServerRequest request, HttpServerResponse response) {
		PollingHandle handle = PollingHandle.parse(first(new QueryStringDecoder(request.uri()), "session"));
		if (handle == null) {
			return text(response, 400, "query parameter 'session' is missing or malformed");
		}
		if (!isLocal(handle)) {
			return this.relay.forward(handle, RelayedPolling.Op.CLOSE, new byte[0], response);
		}
		PollingConnection session = find(handle);
		if (session == null) {
			return text(response, 404, "unknown session");
		}
		closeByClient(session);
		return response.status(204).send();
	}

	private RelayTarget target(PollingConnection session) {
		return new RelayTarget() {

			@Override
			public void poll(long ack, Consumer<Batch> answer) {
				session.poll(ack, answer);
			}

			@Override
			public void send(byte[] body) {
				session.eventLoop()
					.execute(() -> PollingTransport.this.frameHandler.onFrame(session, body, session.codec().binary()));
			}

			@Override
			public void close() {
				closeByClient(session);
			}

		};
	}

	private void closeByClient(PushConnection session) {
		this.metrics.closed(CloseReason.CLIENT);
		session.close(CloseCodes.NORMAL, "closed by client");
	}

	@Override
	public String channel() {
		return RelayedPolling.CHANNEL;
	}

	/**
	 * A long-polling relay addressed to this node arrived: a request relayed to this
	 * node, or the answer to a poll this node relayed.
	 * @param relay the relay
	 */
	@Override
	public void onRelay(ClusterMessage.Relay relay) {
		this.relay.onRelay(relay);
	}

	private boolean isLocal(PollingHandle handle) {
		return handle.node().equals(this.nodeId) || !this.bus.reachesOtherNodes();
	}

	private @Nullable PollingConnection find(PollingHandle handle) {
		return this.handles.find(this.sessions, handle, PollingConnection::secret);
	}

	private String handle(PollingConnection session) {
		return this.handles.handle(session.socketId(), session.secret());
	}

	private Mono<Void> respond(HttpServerResponse response, Batch batch, @Nullable FrameCodec codec) {
		if (batch.status() != 200) {
			return response.status(batch.status())
				.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
				.sendByteArray(Mono.just(batch.body()))
				.then();
		}
		response.status(200).header("Push-Seq", Long.toString(batch.seq()));
		if (batch.closeCode() != 0) {
			response.header("Push-Close-Code", Integer.toString(batch.closeCode()))
				.header("Push-Close-Reason", headerSafe(batch.closeReason()));
		}
		boolean binary = (codec != null) ? codec.binary() : isMessagePack(batch.body());
		return response.header(HttpHeaderNames.CONTENT_TYPE, binary ? "application/msgpack" : "application/json")
			.sendByteArray(Mono.just(batch.body()))
			.then();
	}

	/*
	 * A batch body is a JSON array ({@code [}) or a MessagePack array (0x90-0x9f, 0xdc,
	 * 0xdd).
	 */
	private static boolean isMessagePack(byte[] body) {
		return body.length > 0 && body[0] != '[';
	}

	private static String headerSafe(String reason) {
		StringBuilder safe = new StringBuilder(reason.length());
		for (int i = 0; i < reason.length() && safe.length() < 123; i++) {
			char c = reason.charAt(i);
			safe.append((c >= 0x20 && c < 0x7f) ? c : '?');
		}
		return safe.toString();
	}

	/**
	 * A response to a request whose body is refused unread: the connection closes after
	 * it, since the rest of the body would otherwise be read as the next request.
	 * @param response the response
	 * @return the response
	 */
	static HttpServerResponse unread(HttpServerResponse response) {
		return response.keepAlive(false);
	}

	static Mono<Void> text(HttpServerResponse response, int status, String message) {
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
			.sendString(Mono.just(message + "\n"))
			.then();
	}

	private static @Nullable String first(QueryStringDecoder query, String name) {
		List<String> values = query.parameters().get(name);
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	/**
	 * The number of sessions this node remembers, including recently closed ones.
	 * @return the count
	 */
	public int sessionCount() {
		return this.sessions.size();
	}

}
