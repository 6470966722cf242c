package io.pushgateway.transport.socketio;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.pushgateway.hub.NodeLifecycle;
import io.pushgateway.hub.RelayEndpoint;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.ExchangeIdentity;
import io.pushgateway.transport.GatewayRoutes;
import io.pushgateway.transport.RequestTargets;
import io.pushgateway.transport.TransportContext;
import io.pushgateway.transport.polling.PollingHandle;
import io.pushgateway.transport.polling.SessionHandles;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * Socket.IO v4 clients on the gateway: Engine.IO protocol 4 at {@code /socket.io/}
 * (long-polling, WebSocket, and the upgrade from one to the other), Socket.IO protocol 5
 * inside it. A client's {@code CONNECT} is admitted like any handshake (its
 * {@code auth.token} as the bearer token), and from then on the client is an ordinary
 * gateway connection: same socket IDs, registry entries, limits, metrics and recovery.
 * Pushes arrive as events, {@code emit} with an ack is an upstream message whose reply is
 * the ack, GUIDs are rooms. See {@code docs/socketio.md}.
 *
 * <p>
 * No sticky sessions are needed for long-polling: the session ID names the node that
 * holds the session, and polls and posts that reach another node are relayed to it over
 * the {@link ClusterBus}. The upgrade to a WebSocket must reach that node; elsewhere it
 * is refused and the client stays on long-polling.
 *
 * <p>
 * This class checks the Engine.IO requests and sends each where it goes: a new session to
 * the {@link EngineIoSessions} and the {@link SocketIoHandshake}, polls and posts to
 * {@link EngineIoPolling}, WebSockets to {@link EngineIoWebSockets}; the packets of both
 * carriages meet in {@link EngineIoInbound}.
 *
 * @author Push Gateway team
 */
public final class SocketIoTransport implements GatewayRoutes, RelayEndpoint {

	/** The relay channel of this transport. */
	static final String CHANNEL = "socketio";

	private final SocketIoSettings settings;

	private final Admission admission;

	private final NodeLifecycle lifecycle;

	private final ClusterBus bus;

	private final String nodeId;

	private final EngineIoSessions sessions;

	private final SocketIoHandshake handshake;

	private final EngineIoPolling polling;

	private final EngineIoWebSockets websockets;

	public SocketIoTransport(SocketIoSettings settings, TransportContext context) {
		this.settings = settings;
		this.admission = context.admission();
		this.lifecycle = context.lifecycle();
		this.bus = context.bus();
		this.nodeId = context.nodeId();
		GatewayMetrics metrics = context.metrics();
		SessionHandles handles = new SessionHandles(this.nodeId);
		this.handshake = new SocketIoHandshake(settings, context, handles);
		this.sessions = new EngineIoSessions(settings, this.admission, metrics, context.ids(), handles,
				this.handshake::closed);
		EngineIoInbound inbound = new EngineIoInbound(settings, context.frames(), metrics, this.handshake);
		this.polling = new EngineIoPolling(CHANNEL, settings, this.sessions, inbound, this.bus, context.ids(),
				this.nodeId);
		this.websockets = new EngineIoWebSockets(settings, this.sessions, inbound);
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		String base = trimmed(this.settings.path());
		return routes.route((request) -> {
			String path = RequestTargets.rawPath(request.uri());
			return path.equals(base) || path.equals(base + "/");
		}, this::handle);
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		QueryStringDecoder query;
		try {
			query = new QueryStringDecoder(request.uri());
			query.parameters();
		}
		catch (IllegalArgumentException ex) {
			return this.admission.reject(response, 400, "bad_request", RequestTargets.MALFORMED_QUERY);
		}
		Publisher<Void> answered = this.admission.crossOrigin(request, response, null, "Content-Type",
				() -> EngineIoErrors.send(response, 403, EngineIoErrors.FORBIDDEN));
		if (answered != null) {
			return answered;
		}
		if (!"4".equals(RequestTargets.parameter(query, "EIO"))) {
			return EngineIoErrors.send(response, 400, EngineIoErrors.UNSUPPORTED_PROTOCOL);
		}
		String transport = RequestTargets.parameter(query, "transport");
		boolean websocket = "websocket".equals(transport);
		if (!websocket && !"polling".equals(transport)) {
			return EngineIoErrors.send(response, 400, EngineIoErrors.UNKNOWN_TRANSPORT);
		}
		String sid = RequestTargets.parameter(query, "sid");
		if (sid == null) {
			if (request.method() != HttpMethod.GET) {
				return EngineIoErrors.send(response, 400, EngineIoErrors.BAD_METHOD);
			}
			return Mono.deferContextual((context) -> {
				ExchangeIdentity identity = ExchangeIdentity.from(context);
				InetSocketAddress client = ExchangeIdentity.clientAddress(context, request);
				Mono<Optional<String>> session = (identity != null) ? identity.principalSession()
						: Mono.just(Optional.empty());
				return session.flatMap((id) -> Mono
					.from(open(request, response, query, websocket, identity, client, id.orElse(null))));
			});
		}
		PollingHandle handle = PollingHandle.parse(sid);
		if (handle == null) {
			return EngineIoErrors.send(response, 400, EngineIoErrors.UNKNOWN_SID);
		}
		boolean local = handle.node().equals(this.nodeId) || !this.bus.reachesOtherNodes();
		EngineIoSession session = local ? this.sessions.find(handle) : null;
		if (local && session == null) {
			return EngineIoErrors.send(response, 400, EngineIoErrors.UNKNOWN_SID);
		}
		if (websocket) {
			if (session == null || request.method() != HttpMethod.GET) {
				// a WebSocket cannot be relayed: the client stays on long-polling
				return EngineIoErrors.send(response, 400, EngineIoErrors.BAD_REQUEST);
			}
			return this.websockets.upgrade(response, session);
		}
		if (request.method() == HttpMethod.GET) {
			return this.polling.poll(response, handle, session);
		}
		if (request.method() == HttpMethod.POST) {
			return this.polling.post(request, response, handle, session);
		}
		return EngineIoErrors.send(response, 400, EngineIoErrors.BAD_METHOD);
	}

	/* A new session: the request is kept for the CONNECT that will authenticate it. */
	private Publisher<Void> open(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder query,
			boolean websocket, @Nullable ExchangeIdentity identity, @Nullable InetSocketAddress client,
			@Nullable String sessionId) {
		if (!this.lifecycle.isAccepting()) {
			return this.admission.reject(response, 503, "unavailable", "node is shutting down");
		}
		Mono<Void> limited = this.admission.limit(client, response);
		if (limited != null) {
			return limited;
		}
		Map<String, String> headers = new HashMap<>();
		request.requestHeaders()
			.forEach((entry) -> headers.putIfAbsent(entry.getKey().toLowerCase(Locale.ROOT), entry.getValue()));
		HandshakeSnapshot snapshot = new HandshakeSnapshot(RequestTargets.rawPath(request.uri()), Map.copyOf(headers),
				Map.copyOf(query.parameters()), (client != null) ? client : request.remoteAddress(),
				(identity != null) ? identity.principal() : null, sessionId, null);
		if (websocket) {
			return this.websockets.open(response, (channel) -> start(channel, snapshot, identity));
		}
		Channel[] channel = new Channel[1];
		request.withConnection((connection) -> channel[0] = connection.channel());
		EngineIoSession session = start(channel[0], snapshot, identity);
		return this.polling.open(response, this.sessions.openPacket(session, false));
	}

	private EngineIoSession start(Channel channel, HandshakeSnapshot snapshot, @Nullable ExchangeIdentity identity) {
		EngineIoSession session = this.sessions.open(channel, snapshot.remoteAddress());
		this.handshake.expect(session, snapshot, identity);
		return session;
	}

	@Override
	public String channel() {
		return CHANNEL;
	}

	@Override
	public void onRelay(ClusterMessage.Relay relay) {
		this.polling.onRelay(relay);
	}

	private static String trimmed(String path) {
		return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
	}

	/**
	 * The open Engine.IO sessions this node holds, connected or not.
	 * @return the count
	 */
	public int sessionCount() {
		return this.sessions.count();
	}

}
