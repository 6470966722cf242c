package io.pushgateway.metrics;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.spi.BusRecordRejection;

/**
 * The gateway's Micrometer meters, all named {@code push.gateway.*}. Meters with a fixed
 * set of tags are created once and cached, so recording on the hot path is a lookup and
 * an adder increment. Each concern's meters are a group of their own (connections, client
 * traffic, pushes, listeners, bus, registry, recovery); this is the one the rest of the
 * gateway records through.
 *
 * @author Push Gateway team
 */
public class GatewayMetrics {

	private final MeterRegistry registry;

	private final ConnectionMeters connections;

	private final ClientTrafficMeters traffic;

	private final PushMeters pushes;

	private final ListenerMeters listeners;

	private final BusMeters bus;

	private final RegistryMeters sessionRegistry;

	private final RecoveryMeters recovery;

	/**
	 * Create the meters, each fixed tag value registered at zero.
	 * @param registry where they are registered
	 * @param hub what the node's gauges read
	 */
	public GatewayMetrics(MeterRegistry registry, NodeStats hub) {
		this.registry = registry;
		// every fixed tag value is registered at zero, so a dashboard or an alert sees
		// the series (and rate() works) before the first event
		CounterCache counters = new CounterCache(registry);
		this.connections = new ConnectionMeters(registry, counters, hub);
		this.pushes = new PushMeters(registry, counters);
		this.bus = new BusMeters(registry, counters);
		this.sessionRegistry = new RegistryMeters(registry, counters);
		this.recovery = new RecoveryMeters(registry, counters);
		this.listeners = new ListenerMeters(counters);
		this.traffic = new ClientTrafficMeters(registry, counters);
	}

	/**
	 * Register a gauge that reads a value from an object on each scrape.
	 * @param <T> the object's type
	 * @param name the gauge's name
	 * @param description its description
	 * @param object the object, held weakly as Micrometer does
	 * @param value reads the value
	 */
	public <T> void gauge(String name, String description, T object, ToDoubleFunction<T> value) {
		Gauge.builder(name, object, value).description(description).register(this.registry);
	}

	/**
	 * The cluster bus accepted a message.
	 * @param nanos the time it took
	 */
	public void busPublished(long nanos) {
		this.bus.published(nanos);
	}

	/**
	 * The cluster bus did not accept a message.
	 */
	public void busPublishFailed() {
		this.bus.publishFailed();
	}

	/**
	 * A bus record that breaks the record contract was skipped.
	 * @param reason why
	 */
	public void skippedRecord(BusRecordRejection reason) {
		this.bus.skippedRecord(reason);
	}

	/**
	 * The cluster bus failed while receiving and is being resubscribed.
	 */
	public void busReceiveFailed() {
		this.bus.receiveFailed();
	}

	/**
	 * A message arrived from another node.
	 * @param type the message's class; counted under its lower-case simple name, such as
	 * {@code deliver}
	 */
	public void busReceived(Class<?> type) {
		this.bus.received(type);
	}

	/**
	 * A push from another node arrived.
	 * @param millis its age
	 */
	public void busDelay(long millis) {
		this.bus.delay(millis);
	}

	/**
	 * A batch of session changes was written to the shared registry.
	 * @param changes how many
	 * @param nanos how long the write took
	 * @param lagNanos how long the oldest change had waited
	 */
	public void registrySynced(int changes, long nanos, long lagNanos) {
		this.sessionRegistry.synced(changes, nanos, lagNanos);
	}

	/**
	 * A registry operation failed.
	 * @param operation {@code sync}, {@code heartbeat}, {@code sweep} or {@code lookup}
	 */
	public void registryFailed(String operation) {
		this.sessionRegistry.failed(operation);
	}

	/**
	 * Last-seen times of this node's connections were queued for the registry (the
	 * heartbeat sync).
	 * @param connections how many
	 */
	public void lastSeenSynced(int connections) {
		this.sessionRegistry.lastSeenSynced(connections);
	}

	/**
	 * An upstream handler (such as the Kafka upstream) finished with a client message.
	 * @param outcome {@code ok}, {@code unavailable}, {@code timeout} or {@code failed}
	 * @param nanos the time from the message until the handler's answer
	 */
	public void upstream(String outcome, long nanos) {
		this.traffic.upstream(outcome, nanos);
	}

	/**
	 * A request was refused by a limit.
	 * @param limit the limit, such as {@code connections_per_ip}
	 */
	public void limited(Limit limit) {
		this.connections.limited(limit);
	}

	/**
	 * A handshake finished.
	 * @param outcome {@code accepted}, {@code unauthorized}, {@code forbidden},
	 * {@code bad_request}, {@code unavailable} or {@code error}
	 */
	public void handshake(String outcome) {
		this.connections.handshake(outcome);
	}

	/**
	 * Frames arrived from clients.
	 * @param type the frame type
	 * @param bytes their size
	 */
	public void frameIn(String type, long bytes) {
		this.traffic.frameIn(type, bytes);
	}

	/**
	 * Frames were written to clients.
	 * @param type the frame type
	 * @param count how many
	 * @param bytes their total size
	 */
	public void framesOut(String type, int count, long bytes) {
		this.traffic.framesOut(type, count, bytes);
	}

	/**
	 * A connection's acknowledgement reached the node that issued the push.
	 * @param nanos the time since the push was issued
	 */
	public void ackRoundTrip(long nanos) {
		this.pushes.ackRoundTrip(nanos);
	}

	/**
	 * A push was written on this node.
	 * @param nanos the time since it was issued
	 */
	public void pushLatency(long nanos) {
		this.pushes.pushLatency(nanos);
	}

	/**
	 * A push was refused before it was issued: an event loop was more than half its bound
	 * behind.
	 */
	public void pushRefused() {
		this.pushes.pushRefused();
	}

	/**
	 * Deliveries were refused because an event loop fell too far behind.
	 * @param count how many connections missed the push
	 */
	public void pushRejected(int count) {
		this.pushes.pushRejected(count);
	}

	/**
	 * A presence transition this node observed was handed to its listeners.
	 * @param type the transition's name, such as {@code online}
	 */
	public void presence(String type) {
		this.listeners.presence(type);
	}

	/**
	 * A presence transition was dropped because the listeners lagged behind.
	 */
	public void presenceDropped() {
		this.listeners.presenceDropped();
	}

	/**
	 * A push that asked for a fallback reached nobody and was handed to the undelivered
	 * listeners.
	 * @param reason {@code offline} or {@code unacknowledged}
	 */
	public void undelivered(String reason) {
		this.listeners.undelivered(reason);
	}

	/**
	 * An undelivered push was dropped because its listeners lagged behind, or the check
	 * whether its users were online failed.
	 * @param reason {@code queue_full} or {@code check_failed}
	 */
	public void undeliveredDropped(String reason) {
		this.listeners.undeliveredDropped(reason);
	}

	/**
	 * A slow connection's push was conflated (replaced by a newer one of its event) or
	 * dropped (its slow-consumer policy let it go to make room).
	 * @param policy {@code CONFLATE} or {@code DROP_OLDEST}
	 */
	public void slowConsumer(SlowConsumerPolicy policy) {
		this.pushes.slowConsumer(policy);
	}

	/**
	 * A connection's heartbeat interval changed (dynamic heartbeat).
	 * @param direction {@code longer} (it kept its beat) or {@code shorter} (a beat was
	 * late)
	 */
	public void heartbeatChanged(String direction) {
		this.connections.heartbeatChanged(direction);
	}

	/**
	 * A recoverable push arrived on a connection out of position order: held until its
	 * predecessor came ({@code held}), or dropped because the connection already had it
	 * ({@code duplicate}).
	 * @param outcome {@code held} or {@code duplicate}
	 */
	public void recoveryOrder(String outcome) {
		this.recovery.order(outcome);
	}

	/**
	 * A connection's gap in a stream was read from the store ({@code filled}), or could
	 * not be and was reported to the client ({@code given_up}).
	 * @param outcome {@code filled} or {@code given_up}
	 */
	public void recoveryGap(String outcome) {
		this.recovery.gap(outcome);
	}

	/**
	 * A held push was delivered.
	 * @param nanos how long it was held
	 */
	public void recoveryHeld(long nanos) {
		this.recovery.held(nanos);
	}

	/**
	 * A connection was closed by the server.
	 * @param reason why
	 */
	public void closed(CloseReason reason) {
		this.connections.closed(reason);
	}

}
