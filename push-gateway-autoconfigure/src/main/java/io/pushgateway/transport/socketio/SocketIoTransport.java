package io.pushgateway.transport.socketio;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.pushgateway.codec.Frames;
import io.pushgateway.codec.SocketIoFrameCodec;
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
import io.pushgateway.transport.RequestBodies;
import io.pushgateway.transport.RequestTargets;
import io.pushgateway.transport.polling.Batch;
import io.pushgateway.transport.polling.PollingHandle;
import io.pushgateway.transport.polling.PollingRelay;
import io.pushgateway.transport.polling.RelayTarget;
import io.pushgateway.transport.polling.RelayedPolling;
import io.pushgateway.transport.polling.SessionHandles;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

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
 * @author Push Gateway team
 */
public final class SocketIoTransport implements GatewayRoutes, RelayEndpoint {

	private static final Log logger = LogFactory.getLog(SocketIoTransport.class);

	/** The relay channel of this transport. */
	static final String CHANNEL = "socketio";

	private static final JsonFactory FACTORY = JsonFactory.builder().build();

	private static final String UNKNOWN_SID = "{\"code\":1,\"message\":\"Session ID unknown\"}";

	private final SocketIoSettings settings;

	private final Admission admission;

	private final LocalHub hub;

	private final ClientFrameHandler frameHandler;

	private final SnowflakeIdGenerator ids;

	private final NodeLifecycle lifecycle;

	private final ClusterBus bus;

	private final GatewayMetrics metrics;

	private final String nodeId;

	private final Clock clock;

	private final @Nullable RecoveryCoordinator recovery;

	private final ConcurrentHashMap<Long, EngineIoSession> sessions = new ConcurrentHashMap<>();

	/** The sessions whose CONNECT has not arrived, with what admitting it needs. */
	private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();

	private final PollingRelay relay;

	private final SessionHandles handles;

	private final WebsocketServerSpec websocketSpec;

	public SocketIoTransport(SocketIoSettings settings, Admission admission, LocalHub hub,
			ClientFrameHandler frameHandler, SnowflakeIdGenerator ids, NodeLifecycle lifecycle, ClusterBus bus,
			GatewayMetrics metrics, String nodeId, Clock clock, @Nullable RecoveryCoordinator recovery) {
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
		this.recovery = recovery;
		this.relay = new PollingRelay(CHANNEL, settings.relayTimeout(), settings.maxRelayedPolls(), bus, ids, nodeId,
				settings.pingInterval().toMillis(), (handle) -> {
					EngineIoSession session = find(handle);
					return (session != null) ? target(session) : null;
				});
		this.websocketSpec = WebsocketServerSpec.builder()
			.maxFramePayloadLength(settings.maxPayload())
			.handlePing(true)
			.build();
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
		String origin = request.requestHeaders().get(HttpHeaderNames.ORIGIN);
		if (origin != null && !this.admission.originAllowed(request)) {
			return error(response, 403, "{\"code\":4,\"message\":\"Forbidden\"}");
		}
		this.admission.allowCrossOrigin(request, response, null);
		if (request.method() == HttpMethod.OPTIONS) {
			return this.admission.preflight(response, "Content-Type");
		}
		if (!"4".equals(first(query, "EIO"))) {
			return error(response, 400, "{\"code\":5,\"message\":\"Unsupported protocol version\"}");
		}
		String transport = first(query, "transport");
		boolean websocket = "websocket".equals(transport);
		if (!websocket && !"polling".equals(transport)) {
			return error(response, 400, "{\"code\":0,\"message\":\"Transport unknown\"}");
		}
		String sid = first(query, "sid");
		if (sid == null) {
			if (request.method() != HttpMethod.GET) {
				return error(response, 400, "{\"code\":2,\"message\":\"Bad handshake method\"}");
			}
			return Mono.deferContextual((context) -> Mono.from(open(request, response, query, websocket,
					ExchangeIdentity.from(context), ExchangeIdentity.clientAddress(context, request))));
		}
		PollingHandle handle = PollingHandle.parse(sid);
		if (handle == null) {
			return error(response, 400, UNKNOWN_SID);
		}
		boolean local = handle.node().equals(this.nodeId) || !this.bus.reachesOtherNodes();
		EngineIoSession session = local ? find(handle) : null;
		if (local && session == null) {
			return error(response, 400, UNKNOWN_SID);
		}
		if (websocket) {
			if (session == null || request.method() != HttpMethod.GET) {
				// a WebSocket cannot be relayed: the client stays on long-polling
				return error(response, 400, "{\"code\":3,\"message\":\"Bad request\"}");
			}
			return upgrade(request, response, session);
		}
		if (request.method() == HttpMethod.GET) {
			Mono<Batch> answer = (session != null) ? Mono.create((sink) -> session.poll(sink::success))
					: this.relay.poll(handle, 0);
			return answer.flatMap((batch) -> respond(response, batch));
		}
		if (request.method() == HttpMethod.POST) {
			return post(request, response, handle, session);
		}
		return error(response, 400, "{\"code\":2,\"message\":\"Bad handshake method\"}");
	}

	private Publisher<Void> post(HttpServerRequest request, HttpServerResponse response, PollingHandle handle,
			@Nullable EngineIoSession session) {
		long length = request.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
		if (length > this.settings.maxPayload()) {
			// refused unread: the connection closes after it, or the rest of the body
			// would
			// be read as the next request
			return error(response.keepAlive(false), 413, "{\"code\":3,\"message\":\"Bad request\"}");
		}
		// a chunked body (no Content-Length) is counted as it arrives, never aggregated
		// past the bound
		return RequestBodies.read(request, this.settings.maxPayload()).flatMap((body) -> {
			if (session != null) {
				session.eventLoop().execute(() -> receive(session, body));
				return ok(response);
			}
			return this.relay.forward(handle, RelayedPolling.Op.SEND, body)
				.then(Mono.defer(() -> ok(response)))
				.onErrorResume((ex) -> error(response, 503, "{\"code\":3,\"message\":\"Session node unreachable\"}"));
		})
			.onErrorResume(RequestBodies.BodyTooLargeException.class,
					(ex) -> error(response.keepAlive(false), 413, "{\"code\":3,\"message\":\"Bad request\"}"));
	}

	private Publisher<Void> open(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder query,
			boolean websocket, @Nullable ExchangeIdentity identity, @Nullable InetSocketAddress client) {
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
				(identity != null) ? identity.principal() : null, null);
		if (websocket) {
			return response.sendWebsocket((in, out) -> {
				Channel[] channel = new Channel[1];
				in.withConnection((connection) -> channel[0] = connection.channel());
				EngineIoSession session = start(channel[0], snapshot, identity);
				channel[0].eventLoop().execute(() -> {
					session.useWebSocket(channel[0]);
					channel[0].writeAndFlush(new TextWebSocketFrame(openPacket(session, true)));
				});
				return receiveFrames(in, session, channel[0]);
			}, this.websocketSpec);
		}
		Channel[] channel = new Channel[1];
		request.withConnection((connection) -> channel[0] = connection.channel());
		EngineIoSession session = start(channel[0], snapshot, identity);
		return response.status(200)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8")
			.header(HttpHeaderNames.CACHE_CONTROL, "no-store")
			.sendString(Mono.just(openPacket(session, false)))
			.then();
	}

	private EngineIoSession start(Channel channel, HandshakeSnapshot snapshot, @Nullable ExchangeIdentity identity) {
		long socketId = this.ids.nextId();
		String secretText = this.handles.newSecret();
		InetSocketAddress remote = snapshot.remoteAddress();
		EngineIoSession session = new EngineIoSession(socketId, this.handles.handle(socketId, secretText), secretText,
				channel.eventLoop(), this.settings, this.metrics, (remote != null) ? remote.getAddress() : null,
				this::closed);
		this.sessions.put(socketId, session);
		this.admission.ipLimits().opened(session.remoteAddress());
		Pending pending = new Pending(snapshot, identity);
		session.eventLoop().execute(() -> {
			this.pending.put(socketId, pending);
			session.start(() -> session.closeByServer(CloseCodes.HEARTBEAT_TIMEOUT,
					"no Socket.IO CONNECT within " + this.settings.connectTimeout().toMillis() + " ms"));
		});
		return session;
	}

	/* The open packet; a session on a WebSocket already has nothing to upgrade to. */
	private String openPacket(EngineIoSession session, boolean websocket) {
		return "0{\"sid\":\"" + session.sid() + "\",\"upgrades\":" + (websocket ? "[]" : "[\"websocket\"]")
				+ ",\"pingInterval\":" + this.settings.pingInterval().toMillis() + ",\"pingTimeout\":"
				+ this.settings.pingTimeout().toMillis() + ",\"maxPayload\":" + this.settings.maxPayload() + "}";
	}

	private Publisher<Void> upgrade(HttpServerRequest request, HttpServerResponse response, EngineIoSession session) {
		if (!session.isOpen()) {
			return error(response, 400, UNKNOWN_SID);
		}
		return response.sendWebsocket((in, out) -> {
			Channel[] channel = new Channel[1];
			in.withConnection((connection) -> channel[0] = connection.channel());
			// one upgrade at a time per session, closed with the session or when it does
			// not carry it within the upgrade timeout: a session (counted once against
			// the per-address limits) cannot gather WebSockets
			session.eventLoop().execute(() -> {
				if (!session.offerUpgrade(channel[0])) {
					channel[0].close();
				}
			});
			return receiveFrames(in, session, channel[0]);
		}, this.websocketSpec);
	}

	private Mono<Void> receiveFrames(WebsocketInbound in, EngineIoSession session, Channel channel) {
		return in.aggregateFrames(this.settings.maxPayload())
			.receiveFrames()
			.doOnNext((frame) -> onWebSocketFrame(session, channel, frame))
			.onErrorResume((error) -> {
				if (logger.isDebugEnabled()) {
					logger.debug("Engine.IO WebSocket of socket " + session.socketId() + " ended: " + error);
				}
				return Mono.empty();
			})
			.then()
			.doFinally((signal) -> session.eventLoop().execute(() -> {
				if (session.websocket() == channel) {
					// the session's carriage is gone: so is the client
					closedByClient(session);
				}
			}));
	}

	private void onWebSocketFrame(EngineIoSession session, Channel channel, WebSocketFrame frame) {
		if (frame instanceof TextWebSocketFrame text) {
			String packet = text.text();
			session.eventLoop().execute(() -> {
				if (packet.equals("2probe")) {
					session.probe(channel);
				}
				else if (packet.equals("5")) {
					session.upgrade(channel);
				}
				else if (session.websocket() == channel) {
					onPacket(session, packet);
				}
			});
		}
		else if (frame instanceof BinaryWebSocketFrame binary) {
			byte[] bytes = ByteBufUtil.getBytes(binary.content());
			session.eventLoop().execute(() -> {
				if (session.websocket() == channel) {
					onAttachment(session, bytes);
				}
			});
		}
	}

	/* A long-polling request body: packets separated by the record separator. */
	private void receive(EngineIoSession session, byte[] body) {
		for (String packet : EngineIoSession.packets(body)) {
			if (!session.isOpen()) {
				return;
			}
			if (packet.startsWith("b")) {
				try {
					onAttachment(session, Base64.getDecoder().decode(packet.substring(1)));
				}
				catch (IllegalArgumentException ex) {
					malformed(session, "attachment is not base64");
				}
			}
			else {
				onPacket(session, packet);
			}
		}
	}

	/* One Engine.IO packet from the client, on the session's loop. */
	private void onPacket(EngineIoSession session, String packet) {
		if (packet.isEmpty()) {
			return;
		}
		switch (packet.charAt(0)) {
			case '1' -> closedByClient(session);
			case '3' -> {
				SocketIoConnection connection = session.connection();
				if (connection != null) {
					this.frameHandler.onHeartbeat(connection, packet.length());
				}
			}
			case '4' -> {
				if (session.awaitingAttachment()) {
					malformed(session, "a packet where an attachment was expected");
					return;
				}
				String socketIo = session.assemble(packet.substring(1));
				if (socketIo != null) {
					onSocketIoPacket(session, socketIo);
				}
			}
			case '2', '6' -> {
				// a ping from a client of protocol 3, a noop: nothing to answer, but they
				// count against the rate limits like any packet
				SocketIoConnection connection = session.connection();
				if (connection != null) {
					this.frameHandler.onHeartbeat(connection, packet.length());
				}
			}
			default -> malformed(session, "unknown Engine.IO packet type " + packet.charAt(0));
		}
	}

	private void onAttachment(EngineIoSession session, byte[] attachment) {
		String packet = session.attach(attachment);
		if (packet == null) {
			malformed(session, "an attachment no binary packet announced");
			return;
		}
		onSocketIoPacket(session, packet);
	}

	private void onSocketIoPacket(EngineIoSession session, String packet) {
		SocketIoConnection connection = session.connection();
		char type = packet.isEmpty() ? ' ' : packet.charAt(0);
		if (type == '0') {
			if (connection == null) {
				connect(session, packet.substring(1));
			}
			return;
		}
		if (type == '1') {
			closedByClient(session);
			return;
		}
		if (connection == null) {
			// Socket.IO: a session must CONNECT first
			malformed(session, "the first packet must be CONNECT");
			return;
		}
		if (packet.length() > this.settings.maxPayload()) {
			this.metrics.closed(CloseReason.MESSAGE_TOO_BIG);
			connection.close(CloseCodes.MESSAGE_TOO_BIG, "packet larger than " + this.settings.maxPayload() + " bytes");
			return;
		}
		this.frameHandler.onFrame(connection, packet.getBytes(StandardCharsets.UTF_8), false);
	}

	private void malformed(EngineIoSession session, String reason) {
		this.metrics.closed(CloseReason.MALFORMED_FRAME);
		SocketIoConnection connection = session.connection();
		if (connection != null) {
			connection.close(CloseCodes.MALFORMED_FRAME, "malformed packet: " + reason);
		}
		else {
			session.closeByServer(CloseCodes.MALFORMED_FRAME, "malformed packet: " + reason);
		}
	}

	/* CONNECT: [namespace,]{auth}; only the main namespace is served. */
	private void connect(EngineIoSession session, String body) {
		String namespace = "/";
		String auth = body;
		if (body.startsWith("/")) {
			int comma = body.indexOf(',');
			namespace = (comma < 0) ? body : body.substring(0, comma);
			auth = (comma < 0) ? "" : body.substring(comma + 1);
		}
		if (!namespace.equals("/")) {
			refuse(session, namespace, "Invalid namespace", 404);
			return;
		}
		Pending pending = this.pending.remove(session.socketId());
		if (pending == null) {
			// a CONNECT is being admitted already
			return;
		}
		Map<String, String> fields = authFields(auth);
		if (fields == null) {
			malformed(session, "CONNECT payload is not a JSON object");
			return;
		}
		String pid = fields.get("pid");
		String offset = fields.get("offset");
		boolean resumes = pid != null && offset != null && Frames.isPosition(offset);
		Mono<Admission.Admitted> admitted = this.admission.admit(pending.snapshot().withToken(fields.get("token")))
			.flatMap((result) -> result.readingUserStream(this.recovery, resumes ? offset : null));
		ExchangeIdentity identity = pending.identity();
		if (identity != null) {
			admitted = admitted.contextWrite((context) -> context.put(ExchangeIdentity.class, identity));
		}
		admitted.subscribe((result) -> session.eventLoop().execute(() -> admit(session, result, pid, offset)),
				(error) -> session.eventLoop().execute(() -> {
					if (error instanceof HandshakeRejectedException rejected) {
						this.metrics.handshake((rejected.getStatus() == 403) ? "forbidden" : "unauthorized");
						refuse(session, "/", String.valueOf(rejected.getMessage()), rejected.getStatus());
					}
					else {
						logger.warn("Admission of Socket.IO socket " + session.socketId() + " failed", error);
						refuse(session, "/", "internal error", 500);
					}
				}));
	}

	private void refuse(EngineIoSession session, String namespace, String message, int status) {
		String prefix = namespace.equals("/") ? "44" : "44" + namespace + ",";
		session.offerControl(("" + prefix + "{\"message\":" + quote(message) + ",\"data\":{\"status\":" + status + "}}")
			.getBytes(StandardCharsets.UTF_8));
		session.flush();
		if (namespace.equals("/")) {
			session.closeByServer(CloseCodes.NORMAL, "CONNECT refused");
		}
	}

	private void admit(EngineIoSession session, Admission.Admitted admitted, @Nullable String pid,
			@Nullable String offset) {
		if (!session.isOpen()) {
			return;
		}
		this.metrics.handshake("accepted");
		SocketIoFrameCodec codec = (this.recovery != null) ? SocketIoFrameCodec.WITH_OFFSETS : SocketIoFrameCodec.PLAIN;
		SocketIoConnection connection = new SocketIoConnection(session.socketId(), admitted.principal(),
				admitted.guids(), codec, this.clock.millis(), session);
		connection.setRemoteAddress(session.remoteAddress());
		session.connected(connection);
		for (PushConnection evicted : this.hub.register(connection)) {
			this.metrics.closed(CloseReason.REPLACED);
			evicted.close(CloseCodes.REPLACED, "replaced by a newer connection of the same user");
		}
		RecoveryCoordinator recovery = this.recovery;
		if (recovery == null) {
			sendConnect(session, null);
			return;
		}
		String stream = "user:" + connection.uid();
		if (pid != null && offset != null && Frames.isPosition(offset)) {
			// Socket.IO's connection state recovery: the client learns it was recovered
			// from the pid coming back the same; the missed events it receives before
			// the CONNECT are emitted right after it
			recovery.recover(connection, stream, offset, null, () -> {
			}, (complete) -> sendConnect(session, complete ? pid : newPid()));
		}
		else if (admitted.userStream() != null) {
			sendConnect(session, newPid());
			recovery.start(connection, stream, admitted.userStream());
		}
		else {
			sendConnect(session, newPid());
			recovery.recover(connection, stream, null, null);
		}
	}

	private void sendConnect(EngineIoSession session, @Nullable String pid) {
		String packet = "40{\"sid\":\"" + session.socketId() + "\"" + ((pid != null) ? ",\"pid\":" + quote(pid) : "")
				+ "}";
		session.offerControl(packet.getBytes(StandardCharsets.UTF_8));
		session.flush();
	}

	private String newPid() {
		return this.handles.newSecret();
	}

	private void closedByClient(EngineIoSession session) {
		if (session.isOpen() && session.connection() != null) {
			this.metrics.closed(CloseReason.CLIENT);
		}
		session.closeByClient();
	}

	private void closed(EngineIoSession session) {
		SocketIoConnection connection = session.connection();
		if (connection != null) {
			this.hub.unregister(connection);
		}
		this.pending.remove(session.socketId());
		this.admission.ipLimits().closed(session.remoteAddress());
		// remembered a while, so a poll still gets the last packets (the close among
		// them)
		session.eventLoop().schedule(() -> {
			this.sessions.remove(session.socketId(), session);
			session.release();
		}, this.settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	private RelayTarget target(EngineIoSession session) {
		return new RelayTarget() {

			@Override
			public void poll(long ack, Consumer<Batch> answer) {
				session.poll(answer);
			}

			@Override
			public void send(byte[] body) {
				session.eventLoop().execute(() -> receive(session, body));
			}

			@Override
			public void close() {
				closedByClient(session);
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

	private @Nullable EngineIoSession find(PollingHandle handle) {
		return this.handles.find(this.sessions, handle, EngineIoSession::secret);
	}

	private static Mono<Void> respond(HttpServerResponse response, Batch batch) {
		if (batch.status() != 200) {
			return error(response, batch.status(), new String(batch.body(), StandardCharsets.UTF_8).trim());
		}
		return response.status(200)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8")
			.header(HttpHeaderNames.CACHE_CONTROL, "no-store")
			.sendObject(Mono.just(Unpooled.wrappedBuffer(batch.body())))
			.then();
	}

	private static Mono<Void> ok(HttpServerResponse response) {
		return response.status(200)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/html")
			.sendString(Mono.just("ok"))
			.then();
	}

	private static Mono<Void> error(HttpServerResponse response, int status, String json) {
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendString(Mono.just(json))
			.then();
	}

	/*
	 * The string fields of the CONNECT payload (token, pid, offset); null when malformed.
	 */
	private static @Nullable Map<String, String> authFields(String json) {
		Map<String, String> fields = new HashMap<>();
		if (json.isBlank()) {
			return fields;
		}
		try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), json)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			for (JsonToken token = parser.nextToken(); token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if (value == JsonToken.VALUE_STRING) {
					fields.put(name, parser.getString());
				}
				else {
					parser.skipChildren();
				}
			}
			return fields;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static String quote(String value) {
		StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else if (c < 0x20) {
				quoted.append(String.format("\\u%04x", (int) c));
			}
			else {
				quoted.append(c);
			}
		}
		return quoted.append('"').toString();
	}

	private static @Nullable String first(QueryStringDecoder query, String name) {
		List<String> values = query.parameters().get(name);
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	private static String trimmed(String path) {
		return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
	}

	/**
	 * The open Engine.IO sessions this node holds, connected or not.
	 * @return the count
	 */
	public int sessionCount() {
		return (int) this.sessions.values().stream().filter(EngineIoSession::isOpen).count();
	}

	/** What a session needs until its CONNECT is admitted. */
	private record Pending(HandshakeSnapshot snapshot, @Nullable ExchangeIdentity identity) {
	}

}
