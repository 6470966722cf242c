package io.pushgateway.metrics;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pushgateway.core.SlowConsumerPolicy;

/**
 * The meters of the fan-out of pushes on this node: how long a push took to be written,
 * the deliveries refused or lost to slow connections, and the acknowledgements' round
 * trip.
 *
 * @author Push Gateway team
 */
final class PushMeters {

	private final CounterCache counters;

	private final Timer pushLatency;

	private final Timer ackRoundTrip;

	/**
	 * Register the timers and, at zero, every fixed tag value of the counters.
	 * @param registry where the timers are registered
	 * @param counters the counters
	 */
	PushMeters(MeterRegistry registry, CounterCache counters) {
		this.counters = counters;
		this.pushLatency = Timer.builder("push.gateway.push.latency")
			.description("Time from a push being issued until its frames are written on this node")
			.publishPercentileHistogram()
			.register(registry);
		this.ackRoundTrip = Timer.builder("push.gateway.acks.round.trip")
			.description("Time from issuing an acknowledged push until a connection's acknowledgement reached the "
					+ "issuing node, once per acknowledging connection")
			.publishPercentileHistogram()
			.register(registry);
		for (String policy : List.of("conflate", "drop_oldest")) {
			slowConsumerCounter(policy);
		}
		pushRejectedCounter();
		pushRefusedCounter();
	}

	/**
	 * A push was refused before it was issued, because an event loop was more than half
	 * its bound behind.
	 */
	void pushRefused() {
		pushRefusedCounter().increment();
	}

	private Counter pushRefusedCounter() {
		return this.counters.counter("push.gateway.push.refused", "reason", "busy",
				"Pushes refused before they were issued: an event loop of the node was behind on deliveries");
	}

	/**
	 * A push was written on this node.
	 * @param nanos the time since it was issued
	 */
	void pushLatency(long nanos) {
		this.pushLatency.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * A connection's acknowledgement reached the node that issued the push.
	 * @param nanos the time since the push was issued
	 */
	void ackRoundTrip(long nanos) {
		this.ackRoundTrip.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Deliveries were refused because an event loop fell too far behind.
	 * @param count how many connections missed the push
	 */
	void pushRejected(int count) {
		pushRejectedCounter().increment(count);
	}

	/**
	 * A slow connection's push was conflated or dropped.
	 * @param policy the policy that let it go
	 */
	void slowConsumer(SlowConsumerPolicy policy) {
		slowConsumerCounter(policy.name().toLowerCase(Locale.ROOT)).increment();
	}

	private Counter pushRejectedCounter() {
		return this.counters.counter("push.gateway.push.rejected", "reason", "overloaded", "Deliveries refused");
	}

	private Counter slowConsumerCounter(String policy) {
		return this.counters.counter("push.gateway.slow.pushes", "policy", policy,
				"Pushes a slow connection did not get: conflated (a newer one of the event replaced it) or drop_oldest");
	}

}
