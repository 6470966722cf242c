package io.pushgateway.transport.polling;

import java.net.InetAddress;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.hub.ClientFrameHandler;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.hub.RecoveryCoordinator;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.TransportContext;
import org.jspecify.annotations.Nullable;

/**
 * The long-polling sessions this node holds, by socket ID, each named to its client by a
 * handle ({@link SessionHandles}: socket ID, secret, node). A new session is registered
 * in the hub, welcomed and recovered like a WebSocket; it counts against the per-address
 * limits while it is open, and is remembered for the linger time after it closed, so the
 * client's next poll learns how it ended.
 *
 * @author Push Gateway team
 */
final class PollingSessions {

	private final PollingSettings settings;

	private final Admission admission;

	private final LocalHub hub;

	private final SnowflakeIdGenerator ids;

	private final GatewayMetrics metrics;

	private final String nodeId;

	private final Clock clock;

	private final long holdMillis;

	private final SessionHandles handles;

	/** Recovers each new session's user stream; {@code null} without recovery. */
	private final @Nullable RecoveryCoordinator recovery;

	private final ClientFrameHandler frames;

	private final ConcurrentHashMap<Long, PollingConnection> sessions = new ConcurrentHashMap<>();

	/**
	 * The long-polling sessions of a node.
	 * @param settings the endpoint's settings
	 * @param context what every transport shares
	 * @param holdMillis how long a poll waits for frames
	 */
	PollingSessions(PollingSettings settings, TransportContext context, long holdMillis) {
		this.settings = settings;
		this.admission = context.admission();
		this.hub = context.hub();
		this.ids = context.ids();
		this.metrics = context.metrics();
		this.nodeId = context.nodeId();
		this.handles = new SessionHandles(this.nodeId);
		this.clock = context.clock();
		this.holdMillis = holdMillis;
		this.recovery = context.recovery();
		this.frames = context.frames();
	}

	/**
	 * Start a session, on the loop of the request that opens it: registered, welcomed,
	 * and its user stream recovered.
	 * @param admitted the admitted client
	 * @param codec the session's codec
	 * @param channel the request's channel
	 * @param since the position the client asked to resume from, or {@code null}
	 * @param remote the client's address
	 * @return the session
	 */
	PollingConnection start(Admission.Admitted admitted, FrameCodec codec, Channel channel, @Nullable String since,
			@Nullable InetAddress remote) {
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
		this.frames.welcomed(session);
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

	/**
	 * The session of this node a handle names, if its secret is right.
	 * @param handle the handle a client presented
	 * @return the session, open or recently closed, or {@code null}
	 */
	@Nullable PollingConnection find(PollingHandle handle) {
		return this.handles.find(this.sessions, handle, PollingConnection::secret);
	}

	/**
	 * The handle that names a session to its client.
	 * @param session the session
	 * @return the handle
	 */
	String handle(PollingConnection session) {
		return this.handles.handle(session.socketId(), session.secret());
	}

	/**
	 * The number of sessions this node remembers, including recently closed ones.
	 * @return the count
	 */
	int count() {
		return this.sessions.size();
	}

}
