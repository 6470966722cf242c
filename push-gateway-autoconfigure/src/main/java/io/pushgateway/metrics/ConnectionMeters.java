package io.pushgateway.metrics;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of connections: how many are open, their handshakes, the limits that refused
 * them, the server's closes, and their dynamic heartbeat.
 *
 * @author Push Gateway team
 */
final class ConnectionMeters {

	private final CounterCache counters;

	/**
	 * Register the gauges and, at zero, every fixed tag value of the counters.
	 * @param registry where the gauges are registered
	 * @param counters the counters
	 * @param hub what the gauges read
	 */
	ConnectionMeters(MeterRegistry registry, CounterCache counters, NodeStats hub) {
		this.counters = counters;
		Gauge.builder("push.gateway.connections", hub, NodeStats::connectionCount)
			.description("Open connections on this node")
			.register(registry);
		Gauge.builder("push.gateway.users", hub, NodeStats::userCount)
			.description("Distinct users connected to this node")
			.register(registry);
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
		for (String direction : List.of("longer", "shorter")) {
			heartbeatChangesCounter(direction);
		}
		Gauge.builder("push.gateway.outbound.queued", hub, NodeStats::queuedBytes)
			.description("Bytes written to connections and not yet taken by the network, summed over this node")
			.baseUnit("bytes")
			.register(registry);
	}

	/**
	 * A handshake finished.
	 * @param outcome its outcome
	 */
	void handshake(String outcome) {
		handshakeCounter(outcome).increment();
	}

	/**
	 * A request was refused by a limit.
	 * @param limit the limit
	 */
	void limited(Limit limit) {
		limitedCounter(limit.tag()).increment();
	}

	/**
	 * A connection was closed by the server.
	 * @param reason why
	 */
	void closed(CloseReason reason) {
		closesCounter(reason.tag()).increment();
	}

	/**
	 * A connection's heartbeat interval changed.
	 * @param direction {@code longer} or {@code shorter}
	 */
	void heartbeatChanged(String direction) {
		heartbeatChangesCounter(direction).increment();
	}

	private Counter handshakeCounter(String outcome) {
		return this.counters.counter("push.gateway.handshakes", "outcome", outcome, "Handshakes by outcome");
	}

	private Counter closesCounter(String reason) {
		return this.counters.counter("push.gateway.closes", "reason", reason,
				"Connections closed by the server, by reason");
	}

	private Counter limitedCounter(String limit) {
		return this.counters.counter("push.gateway.limited", "limit", limit, "Requests and frames refused by a limit");
	}

	private Counter heartbeatChangesCounter(String direction) {
		return this.counters.counter("push.gateway.heartbeat.changes", "direction", direction,
				"Heartbeat intervals lengthened for stable connections or shortened after a late beat");
	}

}
