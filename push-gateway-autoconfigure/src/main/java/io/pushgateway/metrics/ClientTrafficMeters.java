package io.pushgateway.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of what travels between the node and its clients: frames and bytes each way,
 * and how the upstream handlers answered the clients' messages.
 *
 * @author Push Gateway team
 */
final class ClientTrafficMeters {

	private final MeterRegistry registry;

	private final CounterCache counters;

	private final Map<String, Timer> upstream = new ConcurrentHashMap<>();

	/**
	 * Register, at zero, every fixed outcome of the upstream timer.
	 * @param registry where the timers are registered
	 * @param counters the counters
	 */
	ClientTrafficMeters(MeterRegistry registry, CounterCache counters) {
		this.registry = registry;
		this.counters = counters;
		for (String outcome : List.of("ok", "unavailable", "timeout", "failed")) {
			upstreamTimer(outcome);
		}
	}

	/**
	 * Frames arrived from clients.
	 * @param type the frame type
	 * @param bytes their size
	 */
	void frameIn(String type, long bytes) {
		this.counters.counter("push.gateway.frames.in", "type", type, "Frames received from clients").increment();
		this.counters.counter("push.gateway.bytes.in", "type", type, "Bytes received from clients").increment(bytes);
	}

	/**
	 * Frames were written to clients.
	 * @param type the frame type
	 * @param count how many
	 * @param bytes their total size
	 */
	void framesOut(String type, int count, long bytes) {
		if (count > 0) {
			this.counters.counter("push.gateway.frames.out", "type", type, "Frames written to clients")
				.increment(count);
			this.counters.counter("push.gateway.bytes.out", "type", type, "Bytes written to clients").increment(bytes);
		}
	}

	/**
	 * An upstream handler finished with a client message.
	 * @param outcome the outcome
	 * @param nanos the time from the message until the handler's answer
	 */
	void upstream(String outcome, long nanos) {
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

}
