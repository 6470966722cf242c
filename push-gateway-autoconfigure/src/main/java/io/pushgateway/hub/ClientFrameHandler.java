package io.pushgateway.hub;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.micrometer.common.KeyValues;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.pushgateway.codec.ClientFrame;
import io.pushgateway.codec.MalformedFrameException;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.Payload;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.metrics.Limit;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.MessageRateLimiter;
import io.pushgateway.spi.UpstreamHandler;
import io.pushgateway.spi.UpstreamMessage;
import io.pushgateway.spi.UpstreamUnavailableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Handles the frames clients send, whatever the transport: heartbeats, acks, upstream
 * messages, joins and leaves. Every bad input is answered with its documented error frame
 * or close code, and only the offending connection is affected.
 *
 * @author Push Gateway team
 */
public class ClientFrameHandler {

	private static final Log logger = LogFactory.getLog(ClientFrameHandler.class);

	private final LocalHub hub;

	private final AckTracker acks;

	/** Recovers GUID streams when clients join them; {@code null} without recovery. */
	private final @Nullable RecoveryCoordinator recovery;

	private final List<UpstreamHandler> handlers;

	private final GuidAuthorizer guidAuthorizer;

	private final GatewayMetrics metrics;

	private final String nodeId;

	private final int maxGuidsPerConnection;

	private final int maxInFlight;

	private final Duration upstreamTimeout;

	private final Clock clock;

	private final CredentialRefresh refresh;

	/**
	 * Create a frame handler.
	 * @param hub the hub
	 * @param handlers the upstream handlers, in order
	 * @param guidAuthorizer decides GUID joins
	 * @param acks collects acknowledgements
	 * @param recovery recovers GUID streams on join, or {@code null} without recovery
	 * @param metrics the meters
	 * @param observations observes each client message until its handler answered
	 * @param clock the clock
	 * @param nodeId this node's ID
	 * @param limits what one connection may join, have in flight and send
	 * @param refresh verifies the fresh credentials clients send
	 * @param userRate each user's bucket of messages, or {@code null} for no per-user
	 * rate
	 */
	public ClientFrameHandler(LocalHub hub, List<UpstreamHandler> handlers, GuidAuthorizer guidAuthorizer,
			AckTracker acks, @Nullable RecoveryCoordinator recovery, GatewayMetrics metrics,
			PushObservations observations, Clock clock, String nodeId, Limits limits, CredentialRefresh refresh,
			@Nullable MessageRateLimiter userRate) {
		this.userLimits = (userRate != null)
				? new UserMessageLimits(userRate, limits.userMessagesPerSecond(), limits.userRateStrikes(), metrics)
				: null;
		this.refresh = refresh;
		this.observations = observations;
		this.recovery = recovery;
		this.maxMessagesPerSecond = limits.maxMessagesPerSecond();
		this.maxBytesPerSecond = limits.maxBytesPerSecond();
		this.hub = hub;
		this.acks = acks;
		this.handlers = List.copyOf(handlers);
		this.guidAuthorizer = guidAuthorizer;
		this.metrics = metrics;
		this.nodeId = nodeId;
		this.maxGuidsPerConnection = limits.maxGuidsPerConnection();
		this.maxInFlight = limits.maxInFlight();
		this.upstreamTimeout = limits.upstreamTimeout();
		this.clock = clock;
	}

	private final PushObservations observations;

	private final @Nullable UserMessageLimits userLimits;

	private final int maxMessagesPerSecond;

	private final long maxBytesPerSecond;

	/**
	 * A connection was welcomed: a credential that expires within the refresh lead is
	 * asked for at once, not at the next check, which could come after it expired.
	 * Transports call this right after the welcome (Socket.IO: its {@code CONNECT}).
	 * @param connection the connection
	 */
	public void welcomed(PushConnection connection) {
		this.refresh.ask(connection, this.clock.millis());
	}

	/**
	 * Record a transport-level sign of life (a WebSocket ping or pong, an Engine.IO
	 * pong). It counts against the connection's message and byte rate limits like any
	 * message: a client that floods control frames is closed with
	 * {@link CloseCodes#RATE_LIMITED}.
	 * @param connection the connection
	 * @param bytes the frame's payload length
	 * @return whether the connection stays open (answer a ping only then)
	 */
	public boolean onHeartbeat(PushConnection connection, int bytes) {
		connection.touch(this.clock.millis());
		return !overLimit(connection, bytes);
	}

	/* Counts a frame against the rate limits; closes the connection when it is over. */
	private boolean overLimit(PushConnection connection, int bytes) {
		Limit limit = connection.inbound()
			.countFrame(bytes, this.maxMessagesPerSecond, this.maxBytesPerSecond, System.nanoTime());
		if (limit == null) {
			return false;
		}
		this.metrics.limited(limit);
		close(connection, CloseCodes.RATE_LIMITED, "more than " + ((limit == Limit.MESSAGES_PER_SECOND)
				? this.maxMessagesPerSecond + " messages" : this.maxBytesPerSecond + " bytes") + " per second",
				CloseReason.RATE_LIMITED);
		return true;
	}

	/**
	 * Handle one data frame.
	 * @param connection the connection it arrived on
	 * @param bytes the frame bytes
	 * @param binary whether it was a binary frame
	 */
	public void onFrame(PushConnection connection, byte[] bytes, boolean binary) {
		connection.touch(this.clock.millis());
		if (overLimit(connection, bytes.length)) {
			return;
		}
		if (binary != connection.codec().binary()) {
			this.metrics.frameIn("unsupported", bytes.length);
			close(connection, CloseCodes.UNSUPPORTED_DATA,
					(binary ? "binary" : "text") + " frame on " + connection.codec().subprotocol(),
					CloseReason.UNSUPPORTED_DATA);
			return;
		}
		if (!binary && !isUtf8(bytes)) {
			// the JSON codec copies payload values without decoding them: without this
			// check invalid UTF-8 would travel upstream and back to clients
			this.metrics.frameIn("malformed", bytes.length);
			close(connection, CloseCodes.INVALID_PAYLOAD, "text frame is not valid UTF-8", CloseReason.INVALID_PAYLOAD);
			return;
		}
		ClientFrame frame;
		try {
			frame = connection.codec().decode(bytes);
		}
		catch (MalformedFrameException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Malformed frame from socket " + connection.socketId(), ex);
			}
			this.metrics.frameIn("malformed", bytes.length);
			close(connection, CloseCodes.MALFORMED_FRAME, "malformed frame: " + ex.getMessage(),
					CloseReason.MALFORMED_FRAME);
			return;
		}
		if (frame instanceof ClientFrame.Ping) {
			this.metrics.frameIn("ping", bytes.length);
			connection.send(ServerFrame.Pong.INSTANCE);
		}
		else if (frame instanceof ClientFrame.Ack ack) {
			this.metrics.frameIn("ack", bytes.length);
			onAck(connection, ack);
		}
		else if (frame instanceof ClientFrame.Message message) {
			this.metrics.frameIn("msg", bytes.length);
			onMessage(connection, message);
		}
		else if (frame instanceof ClientFrame.Join join) {
			this.metrics.frameIn("join", bytes.length);
			onJoin(connection, join);
		}
		else if (frame instanceof ClientFrame.Leave leave) {
			this.metrics.frameIn("leave", bytes.length);
			this.hub.leave(connection, leave.guid());
			connection.send(new ServerFrame.Left(leave.id(), leave.guid()));
		}
		else if (frame instanceof ClientFrame.Refresh fresh) {
			this.metrics.frameIn("refresh", bytes.length);
			this.refresh.onRefresh(connection, fresh);
		}
		else if (frame instanceof ClientFrame.Unknown unknown) {
			this.metrics.frameIn("unknown", bytes.length);
			connection.send(new ServerFrame.Error(unknown.id(), ErrorCodes.UNKNOWN_TYPE,
					"unknown frame type '" + unknown.type() + "'"));
		}
	}

	// ASCII (every frame the clients send without non-ASCII text) needs no buffer to
	// check
	private static boolean isUtf8(byte[] bytes) {
		for (byte b : bytes) {
			if (b < 0) {
				return ByteBufUtil.isText(Unpooled.wrappedBuffer(bytes), StandardCharsets.UTF_8);
			}
		}
		return true;
	}

	private void onAck(PushConnection connection, ClientFrame.Ack ack) {
		try {
			this.acks.acknowledged(Long.parseLong(ack.id()), connection.socketId());
		}
		catch (NumberFormatException ex) {
			// not a message ID this gateway issued: nothing waits for it
		}
	}

	private void onMessage(PushConnection connection, ClientFrame.Message message) {
		UpstreamHandler handler = handlerFor(message.event());
		if (handler == null) {
			connection.send(new ServerFrame.Error(message.id(), ErrorCodes.NO_HANDLER,
					"no handler for event '" + message.event() + "'"));
			return;
		}
		if (!connection.inbound().tryAcquireInFlight(this.maxInFlight)) {
			connection.send(new ServerFrame.Error(message.id(), ErrorCodes.TOO_MANY_IN_FLIGHT,
					"more than " + this.maxInFlight + " messages await their handler"));
			return;
		}
		UserMessageLimits userLimits = this.userLimits;
		if (userLimits != null) {
			userLimits.admit(connection, message, () -> dispatch(connection, message, handler),
					() -> connection.inbound().releaseInFlight());
			return;
		}
		dispatch(connection, message, handler);
	}

	private void dispatch(PushConnection connection, ClientFrame.Message message, UpstreamHandler handler) {
		UpstreamMessage upstream = new UpstreamMessage(message.id(), connection.socketId(), connection.uid(),
				connection.guids(), message.guid(), message.event(), message.payload(), this.nodeId);
		Mono<Payload> reply = this.observations.observe(PushObservations.UPSTREAM, "upstream " + message.event(),
				KeyValues.of("handler", handler.getClass().getSimpleName()), () -> {
					try {
						return handler.handle(upstream);
					}
					catch (RuntimeException ex) {
						return Mono.error(ex);
					}
				});
		long start = System.nanoTime();
		reply.timeout(this.upstreamTimeout)
			.doFinally((signal) -> connection.inbound().releaseInFlight())
			.subscribe((payload) -> connection.send(new ServerFrame.Reply(message.id(), payload)),
					(error) -> onHandlerError(connection, message, error, start),
					() -> this.metrics.upstream("ok", System.nanoTime() - start));
	}

	private void onHandlerError(PushConnection connection, ClientFrame.Message message, Throwable error, long start) {
		this.metrics.upstream((error instanceof UpstreamUnavailableException) ? "unavailable"
				: (error instanceof TimeoutException) ? "timeout" : "failed", System.nanoTime() - start);
		if (error instanceof UpstreamUnavailableException) {
			connection.send(new ServerFrame.Error(message.id(), ErrorCodes.UPSTREAM_UNAVAILABLE,
					"upstream unavailable; retry later"));
			return;
		}
		if (error instanceof TimeoutException) {
			connection.send(new ServerFrame.Error(message.id(), ErrorCodes.HANDLER_TIMEOUT,
					"handler did not answer within " + this.upstreamTimeout.toMillis() + " ms"));
			return;
		}
		logger.warn("Upstream handler failed for event '" + message.event() + "' of socket " + connection.socketId()
				+ " (uid " + connection.uid() + ")", error);
		connection.send(new ServerFrame.Error(message.id(), ErrorCodes.HANDLER_FAILED, "handler failed"));
	}

	private void onJoin(PushConnection connection, ClientFrame.Join join) {
		if (connection.guids().contains(join.guid())) {
			if (this.recovery != null) {
				this.recovery.recover(connection, "guid:" + join.guid(), join.since(), join.guid(),
						() -> connection.send(new ServerFrame.Joined(join.id(), join.guid())));
			}
			else {
				connection.send(new ServerFrame.Joined(join.id(), join.guid()));
			}
			return;
		}
		if (connection.guids().size() >= this.maxGuidsPerConnection) {
			connection.send(new ServerFrame.Error(join.id(), ErrorCodes.TOO_MANY_GUIDS,
					"at most " + this.maxGuidsPerConnection + " GUIDs per connection"));
			return;
		}
		this.guidAuthorizer.canJoin(connection.principal(), join.guid()).defaultIfEmpty(false).onErrorResume((ex) -> {
			logger.warn("GUID authorizer failed for socket " + connection.socketId(), ex);
			return Mono.just(false);
		}).subscribe((allowed) -> {
			if (allowed && connection.isOpen()) {
				Runnable attach = () -> {
					this.hub.join(connection, join.guid());
					connection.send(new ServerFrame.Joined(join.id(), join.guid()));
				};
				if (this.recovery != null) {
					this.recovery.recover(connection, "guid:" + join.guid(), join.since(), join.guid(), attach);
				}
				else {
					attach.run();
				}
			}
			else {
				connection.send(new ServerFrame.Error(join.id(), ErrorCodes.JOIN_DENIED,
						"not allowed to join '" + join.guid() + "'"));
			}
		});
	}

	private @Nullable UpstreamHandler handlerFor(String event) {
		for (UpstreamHandler handler : this.handlers) {
			if (handler.supports(event)) {
				return handler;
			}
		}
		return null;
	}

	private void close(PushConnection connection, int code, String reason, CloseReason metric) {
		this.metrics.closed(metric);
		connection.close(code, reason);
	}

	/**
	 * What one connection may do. Over a rate limit it is closed with
	 * {@link CloseCodes#RATE_LIMITED}.
	 *
	 * @param maxGuidsPerConnection the most GUIDs one connection may join
	 * @param maxInFlight the most messages of one connection awaiting their handler
	 * @param upstreamTimeout the time a handler has to answer
	 * @param maxMessagesPerSecond frames per second, or {@code 0} for no limit
	 * @param maxBytesPerSecond bytes per second, or {@code 0} for no limit
	 * @param userMessagesPerSecond upstream messages per second of one user, on every
	 * node
	 * @param userRateStrikes messages refused by the per-user rate in a row that close
	 * the connection
	 */
	public record Limits(int maxGuidsPerConnection, int maxInFlight, Duration upstreamTimeout, int maxMessagesPerSecond,
			long maxBytesPerSecond, int userMessagesPerSecond, int userRateStrikes) {

		/**
		 * Limits without a per-user rate.
		 * @param maxGuidsPerConnection the most GUIDs one connection may join
		 * @param maxInFlight the most messages of one connection awaiting their handler
		 * @param upstreamTimeout the time a handler has to answer
		 * @param maxMessagesPerSecond frames per second, or {@code 0} for no limit
		 * @param maxBytesPerSecond bytes per second, or {@code 0} for no limit
		 */
		public Limits(int maxGuidsPerConnection, int maxInFlight, Duration upstreamTimeout, int maxMessagesPerSecond,
				long maxBytesPerSecond) {
			this(maxGuidsPerConnection, maxInFlight, upstreamTimeout, maxMessagesPerSecond, maxBytesPerSecond, 0, 0);
		}

	}

}
