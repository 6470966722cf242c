package io.pushgateway.metrics;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of recoverable streams on a connection: pushes out of position order, how
 * long they were held, and the gaps filled from the store or given up.
 *
 * @author Push Gateway team
 */
final class RecoveryMeters {

	private final CounterCache counters;

	private final Timer recoveryHold;

	/**
	 * Register the timer and, at zero, every fixed tag value of the counters.
	 * @param registry where the timer is registered
	 * @param counters the counters
	 */
	RecoveryMeters(MeterRegistry registry, CounterCache counters) {
		this.counters = counters;
		this.recoveryHold = Timer.builder("push.gateway.recovery.hold")
			.description("How long a recoverable push waited on a connection for its predecessor in the stream "
					+ "(arriving live, or filled from the store), once per push held")
			.publishPercentileHistogram()
			.register(registry);
		for (String outcome : List.of("held", "duplicate")) {
			orderCounter(outcome);
		}
		for (String outcome : List.of("filled", "given_up")) {
			gapsCounter(outcome);
		}
	}

	/**
	 * A recoverable push arrived on a connection out of position order.
	 * @param outcome {@code held} or {@code duplicate}
	 */
	void order(String outcome) {
		orderCounter(outcome).increment();
	}

	/**
	 * A connection's gap in a stream was filled or given up.
	 * @param outcome {@code filled} or {@code given_up}
	 */
	void gap(String outcome) {
		gapsCounter(outcome).increment();
	}

	/**
	 * A held push was delivered.
	 * @param nanos how long it was held
	 */
	void held(long nanos) {
		this.recoveryHold.record(nanos, TimeUnit.NANOSECONDS);
	}

	private Counter orderCounter(String outcome) {
		return this.counters.counter("push.gateway.recovery.order", "outcome", outcome,
				"Recoverable pushes that arrived on a connection out of position order: held, or dropped as "
						+ "duplicates");
	}

	private Counter gapsCounter(String outcome) {
		return this.counters.counter("push.gateway.recovery.gaps", "outcome", outcome,
				"Gaps in a connection's stream that no live push closed in time: filled from the store, or given "
						+ "up (the client is sent 4410)");
	}

}
