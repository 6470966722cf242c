package io.pushgateway.transport.socketio;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.polling.PollingHandle;
import io.pushgateway.transport.polling.SessionHandles;
import org.jspecify.annotations.Nullable;

/**
 * The Engine.IO sessions this node holds, by socket ID, each named to its client by a
 * handle ({@link SessionHandles}: socket ID, secret, node). A session counts against the
 * per-address limits while it is open, and is remembered for the close timeout after it
 * closed, so a poll still gets its last packets (the close among them).
 *
 * @author Push Gateway team
 */
final class EngineIoSessions {

	private final SocketIoSettings settings;

	private final Admission admission;

	private final GatewayMetrics metrics;

	private final SnowflakeIdGenerator ids;

	private final SessionHandles handles;

	private final Consumer<EngineIoSession> onClosed;

	private final ConcurrentHashMap<Long, EngineIoSession> sessions = new ConcurrentHashMap<>();

	/**
	 * The sessions of a node.
	 * @param settings the endpoint's settings
	 * @param admission where the per-address limits are counted
	 * @param metrics the meters
	 * @param ids the socket IDs
	 * @param handles the node's session handles
	 * @param onClosed what else ends with a session, called on its loop when it closes
	 */
	EngineIoSessions(SocketIoSettings settings, Admission admission, GatewayMetrics metrics, SnowflakeIdGenerator ids,
			SessionHandles handles, Consumer<EngineIoSession> onClosed) {
		this.settings = settings;
		this.admission = admission;
		this.metrics = metrics;
		this.ids = ids;
		this.handles = handles;
		this.onClosed = onClosed;
	}

	/**
	 * A new session, on the loop of the request that opens it.
	 * @param channel the request's channel
	 * @param remote the client's address
	 * @return the session, not started yet
	 */
	EngineIoSession open(Channel channel, @Nullable InetSocketAddress remote) {
		long socketId = this.ids.nextId();
		String secretText = this.handles.newSecret();
		EngineIoSession session = new EngineIoSession(socketId, this.handles.handle(socketId, secretText), secretText,
				channel.eventLoop(), this.settings, this.metrics, (remote != null) ? remote.getAddress() : null,
				this::closed);
		this.sessions.put(socketId, session);
		this.admission.ipLimits().opened(session.remoteAddress());
		return session;
	}

	/**
	 * The open packet: the session's handle and the timings; a session on a WebSocket
	 * already has nothing to upgrade to.
	 * @param session the session
	 * @param websocket whether it is on a WebSocket from the start
	 * @return the packet
	 */
	String openPacket(EngineIoSession session, boolean websocket) {
		return "0{\"sid\":\"" + session.sid() + "\",\"upgrades\":" + (websocket ? "[]" : "[\"websocket\"]")
				+ ",\"pingInterval\":" + this.settings.pingInterval().toMillis() + ",\"pingTimeout\":"
				+ this.settings.pingTimeout().toMillis() + ",\"maxPayload\":" + this.settings.maxPayload() + "}";
	}

	private void closed(EngineIoSession session) {
		this.onClosed.accept(session);
		this.admission.ipLimits().closed(session.remoteAddress());
		// remembered a while, so a poll still gets the last packets (the close among
		// them)
		session.eventLoop().schedule(() -> {
			this.sessions.remove(session.socketId(), session);
			session.release();
		}, this.settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * The session of this node a handle names, if its secret is right.
	 * @param handle the handle a client presented
	 * @return the session, open or recently closed, or {@code null}
	 */
	@Nullable EngineIoSession find(PollingHandle handle) {
		return this.handles.find(this.sessions, handle, EngineIoSession::secret);
	}

	/**
	 * The open sessions, connected or not.
	 * @return the count
	 */
	int count() {
		return (int) this.sessions.values().stream().filter(EngineIoSession::isOpen).count();
	}

}
