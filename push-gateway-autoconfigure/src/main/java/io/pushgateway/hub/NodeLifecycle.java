package io.pushgateway.hub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.Push;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterBusException;
import io.pushgateway.spi.ClusterMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;

/**
 * Starts and stops this node: accepts connections, closes idle ones after the heartbeat
 * timeout, delivers the pushes other nodes publish on the cluster bus, and on shutdown
 * stops accepting, tells every client to reconnect ({@link CloseCodes#SERVICE_RESTART}),
 * and waits for the connections to drain. It stops before the web server's own graceful
 * shutdown.
 *
 * @author Push Gateway team
 */
public class NodeLifecycle implements SmartLifecycle {

	/**
	 * Stops before Boot's web server graceful shutdown ({@code DEFAULT_PHASE - 1024}).
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Duration BUS_READY_TIMEOUT = Duration.ofSeconds(30);

	private static final Log logger = LogFactory.getLog(NodeLifecycle.class);

	private final LocalHub hub;

	private final AckTracker acks;

	private final FanOut fanOut;

	private final ClusterBus bus;

	private final GatewayMetrics metrics;

	private final Duration heartbeatTimeout;

	private final Duration shutdownTimeout;

	private final CredentialRefresh refresh;

	private final Clock clock;

	private final AtomicBoolean accepting = new AtomicBoolean();

	private volatile Disposable.Composite subscriptions = Disposables.composite();

	private final PushObservations observations;

	private final DynamicHeartbeat heartbeat;

	/** Receives the relays between transports (long-polling requests and answers). */
	private final Consumer<ClusterMessage.Relay> relays;

	/**
	 * Create the node's lifecycle.
	 * @param hub the hub
	 * @param fanOut the fan-out
	 * @param bus the cluster bus
	 * @param acks collects acknowledgements
	 * @param relays receives the relays between transports, such as
	 * {@link RelayEndpoints}
	 * @param metrics the meters
	 * @param observations observes the delivery of pushes from other nodes
	 * @param clock the clock
	 * @param settings its heartbeat and shutdown settings
	 */
	public NodeLifecycle(LocalHub hub, FanOut fanOut, ClusterBus bus, AckTracker acks,
			Consumer<ClusterMessage.Relay> relays, GatewayMetrics metrics, PushObservations observations, Clock clock,
			Settings settings) {
		this.heartbeat = settings.heartbeat();
		this.observations = observations;
		this.relays = relays;
		this.hub = hub;
		this.acks = acks;
		this.fanOut = fanOut;
		this.bus = bus;
		this.metrics = metrics;
		this.heartbeatTimeout = settings.heartbeatTimeout();
		this.shutdownTimeout = settings.shutdownTimeout();
		this.refresh = settings.refresh();
		this.clock = clock;
	}

	/**
	 * Whether new connections are accepted.
	 * @return {@code false} before start and once shutdown began
	 */
	public boolean isAccepting() {
		return this.accepting.get();
	}

	@Override
	public void start() {
		Disposable.Composite subscriptions = Disposables.composite();
		Duration period = Duration.ofMillis(Math.max(50, this.heartbeatTimeout.toMillis() / 4));
		subscriptions.add(Flux.interval(period, period, Schedulers.parallel())
			.onBackpressureDrop()
			.subscribe((tick) -> closeIdleConnections()));
		subscriptions.add(this.bus.received()
			.doOnNext(this::onClusterMessage)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100))
				.maxBackoff(Duration.ofSeconds(5))
				.doBeforeRetry((signal) -> {
					this.metrics.busReceiveFailed();
					logger.warn("Cluster bus failed; resubscribing", signal.failure());
				}))
			.subscribe());
		this.subscriptions = subscriptions;
		// accept connections only once pushes from other nodes can reach them
		try {
			this.bus.ready().block(BUS_READY_TIMEOUT);
		}
		catch (ClusterBusException ex) {
			subscriptions.dispose();
			throw new IllegalStateException("Cluster bus cannot start: " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			logger.warn("Cluster bus not ready after " + BUS_READY_TIMEOUT.toSeconds()
					+ " s; accepting connections anyway: " + ex.getMessage());
		}
		this.accepting.set(true);
	}

	private void onClusterMessage(ClusterMessage message) {
		this.metrics.busReceived(message.getClass());
		if (message instanceof ClusterMessage.Deliver deliver) {
			Push push = deliver.push();
			if (!SnowflakeIdGenerator.isDerivedId(push.messageId())) {
				// the age of an issued ID; a record produced without X-ID carries no time
				this.metrics.busDelay(this.clock.millis() - SnowflakeIdGenerator.timestampMillis(push.messageId()));
			}
			if (push.ack() && deliver.origin() != null) {
				this.acks.delivering(push.messageId(), deliver.origin());
			}
			try {
				this.observations.deliver(deliver.headers(), () -> this.fanOut.deliver(push));
			}
			catch (RuntimeException ex) {
				logger.warn("Could not deliver push " + push.messageId() + " from the cluster bus: " + ex.getMessage());
			}
		}
		else if (message instanceof ClusterMessage.Acked acked) {
			this.acks.acknowledgedElsewhere(acked);
		}
		else if (message instanceof ClusterMessage.Reply reply) {
			PushConnection connection = this.hub.connection(reply.socketId());
			if (connection != null) {
				connection.send(new ServerFrame.Reply(reply.messageId(), reply.payload()));
			}
		}
		else if (message instanceof ClusterMessage.Disconnect disconnect) {
			LocalDisconnects.close(this.hub, this.metrics, disconnect);
		}
		else if (message instanceof ClusterMessage.Relay relay) {
			try {
				this.relays.accept(relay);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not handle a relay on channel '" + relay.channel() + "' from node " + relay.origin()
						+ ": " + ex.getMessage());
			}
		}
	}

	/**
	 * Close every connection that sent nothing within the heartbeat timeout, and every
	 * connection whose credential expired (checked as often as the heartbeat: every
	 * quarter of the timeout, at least every 50 ms).
	 */
	void closeIdleConnections() {
		long now = this.clock.millis();
		long timeout = this.heartbeatTimeout.toMillis();
		for (PushConnection connection : this.hub.connections()) {
			long connectionTimeout = this.heartbeat.timeoutOf(connection, timeout);
			if (connection.lastSeen() < now - connectionTimeout && connection.isOpen()) {
				this.metrics.closed(CloseReason.HEARTBEAT_TIMEOUT);
				connection.close(CloseCodes.HEARTBEAT_TIMEOUT, "no heartbeat within " + connectionTimeout + " ms");
			}
			else {
				Instant expiresAt = connection.principal().expiresAt();
				if (expiresAt != null && expiresAt.toEpochMilli() <= now && connection.isOpen()) {
					this.metrics.closed(CloseReason.TOKEN_EXPIRED);
					connection.close(CloseCodes.TOKEN_EXPIRED, "credential expired; reconnect with a new one");
				}
				else if (connection.isOpen()) {
					this.heartbeat.check(connection, now, this.metrics);
					this.refresh.ask(connection, now);
				}
			}
		}
	}

	@Override
	public void stop() {
		throw new UnsupportedOperationException("Stop must not be invoked directly");
	}

	@Override
	public void stop(Runnable callback) {
		if (!this.accepting.getAndSet(false)) {
			callback.run();
			return;
		}
		int open = this.hub.connectionCount();
		if (open > 0) {
			logger.info("Shutting down: asking " + open + " connections to reconnect elsewhere");
		}
		for (PushConnection connection : this.hub.connections()) {
			connection.close(CloseCodes.SERVICE_RESTART, "server shutting down");
		}
		long pollMillis = 20;
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		Flux.interval(Duration.ofMillis(pollMillis), Schedulers.parallel())
			.filter((tick) -> this.hub.connectionCount() == 0 || System.nanoTime() > deadline)
			.next()
			.doFinally((signal) -> {
				if (this.hub.connectionCount() > 0) {
					logger.warn(this.hub.connectionCount() + " connections still open after "
							+ this.shutdownTimeout.toMillis() + " ms; stopping anyway");
				}
				this.subscriptions.dispose();
				callback.run();
			})
			.subscribe();
	}

	@Override
	public boolean isRunning() {
		return this.accepting.get();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * How the node watches its connections and drains them.
	 *
	 * @param heartbeatTimeout how long a silent connection lives at the base interval
	 * @param heartbeat how heartbeat intervals change
	 * @param shutdownTimeout how long draining may take
	 * @param refresh asks connections for fresh credentials before theirs expire
	 */
	public record Settings(Duration heartbeatTimeout, DynamicHeartbeat heartbeat, Duration shutdownTimeout,
			CredentialRefresh refresh) {
	}

}
