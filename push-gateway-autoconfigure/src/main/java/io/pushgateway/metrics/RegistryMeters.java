package io.pushgateway.metrics;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of the shared session registry: its batched writes, their lag, the heartbeat
 * syncs of last-seen times, and its failures.
 *
 * @author Push Gateway team
 */
final class RegistryMeters {

	private final CounterCache counters;

	private final Timer registrySync;

	private final Timer registryLag;

	private final DistributionSummary registryBatch;

	/**
	 * Register the timers and, at zero, every fixed tag value of the counters.
	 * @param registry where the timers are registered
	 * @param counters the counters
	 */
	RegistryMeters(MeterRegistry registry, CounterCache counters) {
		this.counters = counters;
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
		for (String operation : List.of("sync", "heartbeat", "last_seen", "presence")) {
			registryErrorsCounter(operation);
		}
		heartbeatSyncs();
		heartbeatSessions();
	}

	/**
	 * A batch of session changes was written to the shared registry.
	 * @param changes how many
	 * @param nanos how long the write took
	 * @param lagNanos how long the oldest change had waited
	 */
	void synced(int changes, long nanos, long lagNanos) {
		this.registryBatch.record(changes);
		this.registrySync.record(nanos, TimeUnit.NANOSECONDS);
		this.registryLag.record(lagNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * A registry operation failed.
	 * @param operation the operation
	 */
	void failed(String operation) {
		registryErrorsCounter(operation).increment();
	}

	/**
	 * Last-seen times of this node's connections were queued for the registry.
	 * @param connections how many
	 */
	void lastSeenSynced(int connections) {
		heartbeatSyncs().increment();
		heartbeatSessions().increment(connections);
	}

	private Counter heartbeatSyncs() {
		return this.counters.counter("push.gateway.registry.heartbeat.syncs", "kind", "last_seen",
				"Heartbeat syncs of last-seen times to the shared registry");
	}

	private Counter heartbeatSessions() {
		return this.counters.counter("push.gateway.registry.heartbeat.sessions", "kind", "last_seen",
				"Sessions whose last-seen time was synced to the shared registry");
	}

	private Counter registryErrorsCounter(String operation) {
		return this.counters.counter("push.gateway.registry.errors", "operation", operation,
				"Shared registry failures");
	}

}
