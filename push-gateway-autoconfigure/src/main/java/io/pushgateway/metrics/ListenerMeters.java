package io.pushgateway.metrics;

import java.util.List;

import io.micrometer.core.instrument.Counter;

/**
 * The meters of the events handed to the application's listeners: presence transitions
 * and undelivered pushes, and those dropped on the way.
 *
 * @author Push Gateway team
 */
final class ListenerMeters {

	private final CounterCache counters;

	/**
	 * Register, at zero, every fixed tag value of the counters.
	 * @param counters the counters
	 */
	ListenerMeters(CounterCache counters) {
		this.counters = counters;
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
	}

	/**
	 * A presence transition was handed to the listeners.
	 * @param type the transition's name
	 */
	void presence(String type) {
		presenceCounter(type).increment();
	}

	/**
	 * A presence transition was dropped because the listeners lagged behind.
	 */
	void presenceDropped() {
		presenceDroppedCounter().increment();
	}

	/**
	 * A push that asked for a fallback was handed to the undelivered listeners.
	 * @param reason {@code offline} or {@code unacknowledged}
	 */
	void undelivered(String reason) {
		undeliveredCounter(reason).increment();
	}

	/**
	 * An undelivered push was not reported.
	 * @param reason {@code queue_full} or {@code check_failed}
	 */
	void undeliveredDropped(String reason) {
		undeliveredDroppedCounter(reason).increment();
	}

	private Counter presenceCounter(String type) {
		return this.counters.counter("push.gateway.presence.events", "type", type,
				"Presence transitions decided by this node (each once cluster-wide)");
	}

	private Counter presenceDroppedCounter() {
		return this.counters.counter("push.gateway.presence.dropped", "reason", "queue_full",
				"Presence transitions dropped because the listeners lagged behind");
	}

	private Counter undeliveredCounter(String reason) {
		return this.counters.counter("push.gateway.undelivered", "reason", reason,
				"Pushes that asked for a fallback and reached nobody (each reported once cluster-wide)");
	}

	private Counter undeliveredDroppedCounter(String reason) {
		return this.counters.counter("push.gateway.undelivered.dropped", "reason", reason,
				"Undelivered pushes not reported: listeners lagging, or the presence check failed");
	}

}
