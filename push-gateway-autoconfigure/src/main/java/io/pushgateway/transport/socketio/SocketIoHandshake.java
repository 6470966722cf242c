package io.pushgateway.transport.socketio;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.pushgateway.codec.Frames;
import io.pushgateway.codec.SocketIoFrameCodec;
import io.pushgateway.hub.ClientFrameHandler;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.hub.RecoveryCoordinator;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.ExchangeIdentity;
import io.pushgateway.transport.TransportContext;
import io.pushgateway.transport.polling.SessionHandles;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Socket.IO's {@code CONNECT} to the main namespace, the handshake of a gateway
 * connection: the request that opened the Engine.IO session is kept until it arrives,
 * within the connect timeout; its {@code auth.token} is admitted as the bearer token,
 * through the same {@link Admission} as any handshake. Admitted, the session becomes a
 * {@link SocketIoConnection} in the hub and the client gets {@code CONNECT} (with a
 * {@code pid} for connection state recovery, the same one back when it was recovered);
 * refused, or to another namespace, it gets {@code CONNECT_ERROR}.
 *
 * @author Push Gateway team
 */
final class SocketIoHandshake {

	private static final Log logger = LogFactory.getLog(SocketIoHandshake.class);

	private static final JsonFactory FACTORY = JsonFactory.builder().build();

	private final SocketIoSettings settings;

	private final Admission admission;

	private final LocalHub hub;

	private final GatewayMetrics metrics;

	private final SessionHandles handles;

	private final Clock clock;

	private final @Nullable RecoveryCoordinator recovery;

	private final ClientFrameHandler frames;

	/** The sessions whose CONNECT has not arrived, with what admitting it needs. */
	private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();

	/**
	 * The handshakes of a node's Socket.IO sessions.
	 * @param settings the endpoint's settings
	 * @param context what every transport shares
	 * @param handles the session handles
	 */
	SocketIoHandshake(SocketIoSettings settings, TransportContext context, SessionHandles handles) {
		this.settings = settings;
		this.admission = context.admission();
		this.hub = context.hub();
		this.metrics = context.metrics();
		this.handles = handles;
		this.clock = context.clock();
		this.recovery = context.recovery();
		this.frames = context.frames();
	}

	/**
	 * Start a new session, which waits for its CONNECT until the connect timeout.
	 * @param session the session
	 * @param snapshot the request that opened it
	 * @param identity who Spring Security authenticated for the request, or {@code null}
	 */
	void expect(EngineIoSession session, HandshakeSnapshot snapshot, @Nullable ExchangeIdentity identity) {
		Pending pending = new Pending(snapshot, identity);
		session.eventLoop().execute(() -> {
			this.pending.put(session.socketId(), pending);
			session.start(() -> session.closeByServer(CloseCodes.HEARTBEAT_TIMEOUT,
					"no Socket.IO CONNECT within " + this.settings.connectTimeout().toMillis() + " ms"));
		});
	}

	/**
	 * A {@code CONNECT} of a session not connected yet: {@code [namespace,]{auth}}; only
	 * the main namespace is served. On the session's loop.
	 * @param session the session
	 * @param body the packet after its type
	 */
	void connect(EngineIoSession session, String body) {
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
			session.malformed("CONNECT payload is not a JSON object");
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
		PushConnection connection = session.connection();
		if (connection != null) {
			this.frames.welcomed(connection);
		}
	}

	private String newPid() {
		return this.handles.newSecret();
	}

	/**
	 * A session closed: its connection leaves the hub, a CONNECT it waited for is
	 * forgotten.
	 * @param session the session
	 */
	void closed(EngineIoSession session) {
		PushConnection connection = session.connection();
		if (connection != null) {
			this.hub.unregister(connection);
		}
		this.pending.remove(session.socketId());
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

	/** What a session needs until its CONNECT is admitted. */
	private record Pending(HandshakeSnapshot snapshot, @Nullable ExchangeIdentity identity) {
	}

}
