package io.pushgateway.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.spi.BusRecordRejection;

/**
 * The gateway's Micrometer meters, all named {@code push.gateway.*}. Meters with a fixed
 * set of tags are created once and cached, so recording on the hot path is a lookup and
 * an adder increment.
 *
 * @author Push Gateway team
 */
public class GatewayMetrics {

	private final MeterRegistry registry;

	// by meter name, then by tag value: a lookup builds no key, so counting a heartbeat
	// or
	// its pong allocates nothing
	private final Map<String, Map<String, Counter>> counters = new ConcurrentHashMap<>();

	private final Timer pushLatency;

	private final Timer ackRoundTrip;

	private final Timer busPublish;

	private final Timer busDelay;

	private final Timer registrySync;

	private final Timer registryLag;

	private final DistributionSummary registryBatch;

	private final Timer recoveryHold;

	private final Map<String, Timer> upstream = new ConcurrentHashMap<>();

	/** One counter per message class, so counting a bus message builds no string. */
	private final ClassValue<Counter> busReceived = new ClassValue<>() {
		@Override
		protected Counter computeValue(Class<?> type) {
			return counter("push.gateway.bus.received", "type", type.getSimpleName().toLowerCase(Locale.ROOT),
					"Messages received from other nodes");
		}
	};

	/**
	 * Create the meters, each fixed tag value registered at zero.
	 * @param registry where they are registered
	 * @param hub what the node's gauges read
	 */
	public GatewayMetrics(MeterRegistry registry, NodeStats hub) {
		this.registry = registry;
		Gauge.builder("push.gateway.connections", hub, NodeStats::connectionCount)
			.description("Open connections on this node")
			.register(registry);
		Gauge.builder("push.gateway.users", hub, NodeStats::userCount)
			.description("Distinct users connected to this node")
			.register(registry);
		this.pushLatency = Timer.builder("push.gateway.push.latency")
			.description("Time from a push being issued until its frames are written on this node")
			.publishPercentileHistogram()
			.register(registry);
		this.busPublish = Timer.builder("push.gateway.bus.publish")
			.description("Time from handing a message to the cluster bus until the bus (Kafka or Redis) accepted it")
			.publishPercentileHistogram()
			.register(registry);
		this.busDelay = Timer.builder("push.gateway.bus.delay")
			.description("Age of a push from another node when it arrives from the cluster bus "
					+ "(from its ID's timestamp: millisecond resolution, needs synchronized clocks)")
			.publishPercentileHistogram()
			.register(registry);
		this.ackRoundTrip = Timer.builder("push.gateway.acks.round.trip")
			.description("Time from issuing an acknowledged push until a connection's acknowledgement reached the "
					+ "issuing node, once per acknowledging connection")
			.publishPercentileHistogram()
			.register(registry);
		this.registrySync = Timer.builder("push.gateway.registry.sync")
			.description("Time to write one batch of session changes to the shared registry")
			.publishPercentileHistogram()
			.register(registry);
		this.registryLag = Timer.builder("push.gateway.registry.sync.lag")
			.description("How long the oldest change of a batch waited before it was written to the shared registry")
			.publishPercentileHistogram()
			.register(registry);
		this.registryBatch = DistributionSummary.builder("push.gateway.registry.sync.batch")
			.description("Session changes per registry write")
			.baseUnit("changes")
			.register(registry);
		this.recoveryHold = Timer.builder("push.gateway.recovery.hold")
			.description("How long a recoverable push waited on a connection for its predecessor in the stream "
					+ "(arriving live, or filled from the store), once per push held")
			.publishPercentileHistogram()
			.register(registry);
		// every fixed tag value is registered at zero, so a dashboard or an alert sees
		// the series (and rate() works) before the first event
		for (String outcome : List.of("accepted", "unauthorized", "forbidden", "bad_request", "unavailable",
				"rate_limited")) {
			handshakeCounter(outcome);
		}
		for (CloseReason reason : CloseReason.values()) {
			closesCounter(reason.tag());
		}
		for (Limit limit : Limit.values()) {
			limitedCounter(limit.tag());
		}
		for (String operation : List.of("publish", "receive")) {
			busErrorsCounter(operation);
		}
		for (String operation : List.of("sync", "heartbeat", "last_seen", "presence")) {
			registryErrorsCounter(operation);
		}
		for (String reason : List.of("offline", "unacknowledged")) {
			undeliveredCounter(reason);
		}
		for (String reason : List.of("queue_full", "check_failed")) {
			undeliveredDroppedCounter(reason);
		}
		for (String type : List.of("online", "offline", "occupied", "vacated", "joined", "left")) {
			presenceCounter(type);
		}
		presenceDroppedCounter();
		for (String policy : List.of("conflate", "drop_oldest")) {
			slowConsumerCounter(policy);
		}
		for (String direction : List.of("longer", "shorter")) {
			heartbeatChangesCounter(direction);
		}
		for (BusRecordRejection reason : BusRecordRejection.values()) {
			skippedRecordsCounter(reason);
		}
		for (String outcome : List.of("ok", "unavailable", "timeout", "failed")) {
			upstreamTimer(outcome);
		}
		for (String outcome : List.of("held", "duplicate")) {
			recoveryOrderCounter(outcome);
		}
		for (String outcome : List.of("filled", "given_up")) {
			recoveryGapsCounter(outcome);
		}
		counter("push.gateway.push.rejected", "reason", "overloaded", "Deliveries refused");
		heartbeatSyncs();
		heartbeatSessions();
		Gauge.builder("push.gateway.outbound.queued", hub, NodeStats::queuedBytes)
			.description("Bytes written to connections and not yet taken by the network, summed over this node")
			.baseUnit("bytes")
			.register(registry);
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
		this.busPublish.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * The cluster bus did not accept a message.
	 */
	public void busPublishFailed() {
		busErrorsCounter("publish").increment();
	}

	/**
	 * A bus record that breaks the record contract was skipped.
	 * @param reason why
	 */
	public void skippedRecord(BusRecordRejection reason) {
		skippedRecordsCounter(reason).increment();
	}

	/**
	 * The cluster bus failed while receiving and is being resubscribed.
	 */
	public void busReceiveFailed() {
		busErrorsCounter("receive").increment();
	}

	/**
	 * A message arrived from another node.
	 * @param type the message's class; counted under its lower-case simple name, such as
	 * {@code deliver}
	 */
	public void busReceived(Class<?> type) {
		this.busReceived.get(type).increment();
	}

	/**
	 * A push from another node arrived.
	 * @param millis its age
	 */
	public void busDelay(long millis) {
		this.busDelay.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
	}

	/**
	 * A batch of session changes was written to the shared registry.
	 * @param changes how many
	 * @param nanos how long the write took
	 * @param lagNanos how long the oldest change had waited
	 */
	public void registrySynced(int changes, long nanos, long lagNanos) {
		this.registryBatch.record(changes);
		this.registrySync.record(nanos, TimeUnit.NANOSECONDS);
		this.registryLag.record(lagNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * A registry operation failed.
	 * @param operation {@code sync}, {@code heartbeat}, {@code sweep} or {@code lookup}
	 */
	public void registryFailed(String operation) {
		registryErrorsCounter(operation).increment();
	}

	/**
	 * Last-seen times of this node's connections were queued for the registry (the
	 * heartbeat sync).
	 * @param connections how many
	 */
	public void lastSeenSynced(int connections) {
		heartbeatSyncs().increment();
		heartbeatSessions().increment(connections);
	}

	private Counter heartbeatSyncs() {
		return counter("push.gateway.registry.heartbeat.syncs", "kind", "last_seen",
				"Heartbeat syncs of last-seen times to the shared registry");
	}

	private Counter heartbeatSessions() {
		return counter("push.gateway.registry.heartbeat.sessions", "kind", "last_seen",
				"Sessions whose last-seen time was synced to the shared registry");
	}

	/**
	 * An upstream handler (such as the Kafka upstream) finished with a client message.
	 * @param outcome {@code ok}, {@code unavailable}, {@code timeout} or {@code failed}
	 * @param nanos the time from the message until the handler's answer
	 */
	public void upstream(String outcome, long nanos) {
		upstreamTimer(outcome).record(nanos, TimeUnit.NANOSECONDS);
	}

	private Timer upstreamTimer(String outcome) {
		Timer timer = this.upstream.get(outcome);
		return (timer != null) ? timer
				: this.upstream.computeIfAbsent(outcome, (key) -> Timer.builder("push.gateway.upstream")
					.description("Time from a client message until its upstream handler answered (for the Kafka "
							+ "upstream: until Kafka accepted it), by outcome")
					.tag("outcome", key)
					.publishPercentileHistogram()
					.register(this.registry));
	}

	private Counter handshakeCounter(String outcome) {
		return counter("push.gateway.handshakes", "outcome", outcome, "Handshakes by outcome");
	}

	private Counter closesCounter(String reason) {
		return counter("push.gateway.closes", "reason", reason, "Connections closed by the server, by reason");
	}

	private Counter limitedCounter(String limit) {
		return counter("push.gateway.limited", "limit", limit, "Requests and frames refused by a limit");
	}

	private Counter busErrorsCounter(String operation) {
		return counter("push.gateway.bus.errors", "operation", operation, "Cluster bus failures");
	}

	private Counter skippedRecordsCounter(BusRecordRejection reason) {
		return counter("push.gateway.bus.records.skipped", "reason", reason.tag(),
				"Bus records skipped because they break the record contract, by reason");
	}

	private Counter registryErrorsCounter(String operation) {
		return counter("push.gateway.registry.errors", "operation", operation, "Shared registry failures");
	}

	/**
	 * A request was refused by a limit.
	 * @param limit the limit, such as {@code connections_per_ip}
	 */
	public void limited(Limit limit) {
		limitedCounter(limit.tag()).increment();
	}

	/**
	 * A handshake finished.
	 * @param outcome {@code accepted}, {@code unauthorized}, {@code forbidden},
	 * {@code bad_request}, {@code unavailable} or {@code error}
	 */
	public void handshake(String outcome) {
		handshakeCounter(outcome).increment();
	}

	/**
	 * Frames arrived from clients.
	 * @param type the frame type
	 * @param bytes their size
	 */
	public void frameIn(String type, long bytes) {
		counter("push.gateway.frames.in", "type", type, "Frames received from clients").increment();
		counter("push.gateway.bytes.in", "type", type, "Bytes received from clients").increment(bytes);
	}

	/**
	 * Frames were written to clients.
	 * @param type the frame type
	 * @param count how many
	 * @param bytes their total size
	 */
	public void framesOut(String type, int count, long bytes) {
		if (count > 0) {
			counter("push.gateway.frames.out", "type", type, "Frames written to clients").increment(count);
			counter("push.gateway.bytes.out", "type", type, "Bytes written to clients").increment(bytes);
		}
	}

	/**
	 * A connection's acknowledgement reached the node that issued the push.
	 * @param nanos the time since the push was issued
	 */
	public void ackRoundTrip(long nanos) {
		this.ackRoundTrip.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * A push was written on this node.
	 * @param nanos the time since it was issued
	 */
	public void pushLatency(long nanos) {
		this.pushLatency.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Deliveries were refused because an event loop fell too far behind.
	 * @param count how many connections missed the push
	 */
	public void pushRejected(int count) {
		for (String outcome : List.of("held", "duplicate")) {
			recoveryOrderCounter(outcome);
		}
		for (String outcome : List.of("filled", "given_up")) {
			recoveryGapsCounter(outcome);
		}
		counter("push.gateway.push.rejected", "reason", "overloaded", "Deliveries refused").increment(count);
	}

	/**
	 * A presence transition this node observed was handed to its listeners.
	 * @param type the transition's name, such as {@code online}
	 */
	public void presence(String type) {
		presenceCounter(type).increment();
	}

	private Counter presenceCounter(String type) {
		return counter("push.gateway.presence.events", "type", type,
				"Presence transitions decided by this node (each once cluster-wide)");
	}

	/**
	 * A presence transition was dropped because the listeners lagged behind.
	 */
	public void presenceDropped() {
		presenceDroppedCounter().increment();
	}

	private Counter presenceDroppedCounter() {
		return counter("push.gateway.presence.dropped", "reason", "queue_full",
				"Presence transitions dropped because the listeners lagged behind");
	}

	/**
	 * A push that asked for a fallback reached nobody and was handed to the undelivered
	 * listeners.
	 * @param reason {@code offline} or {@code unacknowledged}
	 */
	public void undelivered(String reason) {
		undeliveredCounter(reason).increment();
	}

	private Counter undeliveredCounter(String reason) {
		return counter("push.gateway.undelivered", "reason", reason,
				"Pushes that asked for a fallback and reached nobody (each reported once cluster-wide)");
	}

	/**
	 * An undelivered push was dropped because its listeners lagged behind, or the check
	 * whether its users were online failed.
	 * @param reason {@code queue_full} or {@code check_failed}
	 */
	public void undeliveredDropped(String reason) {
		undeliveredDroppedCounter(reason).increment();
	}

	private Counter undeliveredDroppedCounter(String reason) {
		return counter("push.gateway.undelivered.dropped", "reason", reason,
				"Undelivered pushes not reported: listeners lagging, or the presence check failed");
	}

	/**
	 * A slow connection's push was conflated (replaced by a newer one of its event) or
	 * dropped (its slow-consumer policy let it go to make room).
	 * @param policy {@code CONFLATE} or {@code DROP_OLDEST}
	 */
	public void slowConsumer(SlowConsumerPolicy policy) {
		slowConsumerCounter(policy.name().toLowerCase(Locale.ROOT)).increment();
	}

	private Counter slowConsumerCounter(String policy) {
		return counter("push.gateway.slow.pushes", "policy", policy,
				"Pushes a slow connection did not get: conflated (a newer one of the event replaced it) or drop_oldest");
	}

	/**
	 * A connection's heartbeat interval changed (dynamic heartbeat).
	 * @param direction {@code longer} (it kept its beat) or {@code shorter} (a beat was
	 * late)
	 */
	public void heartbeatChanged(String direction) {
		heartbeatChangesCounter(direction).increment();
	}

	private Counter heartbeatChangesCounter(String direction) {
		return counter("push.gateway.heartbeat.changes", "direction", direction,
				"Heartbeat intervals lengthened for stable connections or shortened after a late beat");
	}

	/**
	 * A recoverable push arrived on a connection out of position order: held until its
	 * predecessor came ({@code held}), or dropped because the connection already had it
	 * ({@code duplicate}).
	 * @param outcome {@code held} or {@code duplicate}
	 */
	public void recoveryOrder(String outcome) {
		recoveryOrderCounter(outcome).increment();
	}

	private Counter recoveryOrderCounter(String outcome) {
		return counter("push.gateway.recovery.order", "outcome", outcome,
				"Recoverable pushes that arrived on a connection out of position order: held, or dropped as "
						+ "duplicates");
	}

	/**
	 * A connection's gap in a stream was read from the store ({@code filled}), or could
	 * not be and was reported to the client ({@code given_up}).
	 * @param outcome {@code filled} or {@code given_up}
	 */
	public void recoveryGap(String outcome) {
		recoveryGapsCounter(outcome).increment();
	}

	private Counter recoveryGapsCounter(String outcome) {
		return counter("push.gateway.recovery.gaps", "outcome", outcome,
				"Gaps in a connection's stream that no live push closed in time: filled from the store, or given "
						+ "up (the client is sent 4410)");
	}

	/**
	 * A held push was delivered.
	 * @param nanos how long it was held
	 */
	public void recoveryHeld(long nanos) {
		this.recoveryHold.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * A connection was closed by the server.
	 * @param reason why
	 */
	public void closed(CloseReason reason) {
		closesCounter(reason.tag()).increment();
	}

	private Counter counter(String name, String tag, String value, String description) {
		Map<String, Counter> byValue = this.counters.get(name);
		if (byValue == null) {
			byValue = this.counters.computeIfAbsent(name, (key) -> new ConcurrentHashMap<>());
		}
		Counter counter = byValue.get(value);
		return (counter != null) ? counter : byValue.computeIfAbsent(value, create(name, tag, value, description));
	}

	private Function<String, Counter> create(String name, String tag, String value, String description) {
		return (key) -> Counter.builder(name).tag(tag, value).description(description).register(this.registry);
	}

}
