package io.pushgateway.metrics;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pushgateway.spi.BusRecordRejection;

/**
 * The meters of the cluster bus: publishing and its failures, what arrives from other
 * nodes and how old it is, and the records skipped for breaking the record contract.
 *
 * @author Push Gateway team
 */
final class BusMeters {

	private final CounterCache counters;

	private final Timer busPublish;

	private final Timer busDelay;

	/** One counter per message class, so counting a bus message builds no string. */
	private final ClassValue<Counter> busReceived = new ClassValue<>() {
		@Override
		protected Counter computeValue(Class<?> type) {
			return BusMeters.this.counters.counter("push.gateway.bus.received", "type",
					type.getSimpleName().toLowerCase(Locale.ROOT), "Messages received from other nodes");
		}
	};

	/**
	 * Register the timers and, at zero, every fixed tag value of the counters.
	 * @param registry where the timers are registered
	 * @param counters the counters
	 */
	BusMeters(MeterRegistry registry, CounterCache counters) {
		this.counters = counters;
		this.busPublish = Timer.builder("push.gateway.bus.publish")
			.description("Time from handing a message to the cluster bus until the bus (Kafka or Redis) accepted it")
			.publishPercentileHistogram()
			.register(registry);
		this.busDelay = Timer.builder("push.gateway.bus.delay")
			.description("Age of a push from another node when it arrives from the cluster bus "
					+ "(from its ID's timestamp: millisecond resolution, needs synchronized clocks)")
			.publishPercentileHistogram()
			.register(registry);
		for (String operation : List.of("publish", "receive")) {
			busErrorsCounter(operation);
		}
		for (BusRecordRejection reason : BusRecordRejection.values()) {
			skippedRecordsCounter(reason);
		}
	}

	/**
	 * The cluster bus accepted a message.
	 * @param nanos the time it took
	 */
	void published(long nanos) {
		this.busPublish.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * The cluster bus did not accept a message.
	 */
	void publishFailed() {
		busErrorsCounter("publish").increment();
	}

	/**
	 * The cluster bus failed while receiving.
	 */
	void receiveFailed() {
		busErrorsCounter("receive").increment();
	}

	/**
	 * A message arrived from another node.
	 * @param type the message's class
	 */
	void received(Class<?> type) {
		this.busReceived.get(type).increment();
	}

	/**
	 * A push from another node arrived.
	 * @param millis its age
	 */
	void delay(long millis) {
		this.busDelay.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
	}

	/**
	 * A bus record that breaks the record contract was skipped.
	 * @param reason why
	 */
	void skippedRecord(BusRecordRejection reason) {
		skippedRecordsCounter(reason).increment();
	}

	private Counter busErrorsCounter(String operation) {
		return this.counters.counter("push.gateway.bus.errors", "operation", operation, "Cluster bus failures");
	}

	private Counter skippedRecordsCounter(BusRecordRejection reason) {
		return this.counters.counter("push.gateway.bus.records.skipped", "reason", reason.tag(),
				"Bus records skipped because they break the record contract, by reason");
	}

}
