package io.pushgateway.registry.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import reactor.util.concurrent.Queues;

/**
 * The session changes not yet written to Redis ({@link ApplyCalls} describes them), in a
 * bounded in-memory queue that any thread may add to, and whether the node must rewrite
 * its sessions from its hub instead (a resync): after a failed write, when Redis forgot
 * the node, or when the queue overflowed while Redis was slow or down. While a resync is
 * due, changes are not queued: the resync writes the hub's state, which includes them.
 *
 * @author Push Gateway team
 */
final class RegistryWriteBehind {

	private final Queue<String[]> queue = Queues.<String[]>unboundedMultiproducer().get();

	private final AtomicInteger queued = new AtomicInteger();

	/** When the oldest change now queued was queued; 0 when none is. */
	private final AtomicLong oldestQueuedNanos = new AtomicLong();

	/* Due at first, so that the first write registers whatever the hub holds already. */
	private final AtomicBoolean resyncNeeded = new AtomicBoolean(true);

	private final int maxQueued;

	private final int maxBatch;

	/**
	 * Create an empty queue.
	 * @param maxQueued the most changes queued; one more makes a resync due
	 * @param maxBatch the most changes one batch takes
	 */
	RegistryWriteBehind(int maxQueued, int maxBatch) {
		this.maxQueued = maxQueued;
		this.maxBatch = maxBatch;
	}

	/**
	 * Queue a change, unless a resync is due (it will write the change) or the queue is
	 * full (then a resync becomes due).
	 * @param op the change
	 */
	void enqueue(String[] op) {
		if (this.resyncNeeded.get()) {
			// the resync will write the hub's current state, which includes this change
			return;
		}
		if (this.queued.incrementAndGet() > this.maxQueued) {
			this.queued.decrementAndGet();
			this.resyncNeeded.set(true);
			return;
		}
		this.queue.offer(op);
		this.oldestQueuedNanos.compareAndSet(0, System.nanoTime());
	}

	/**
	 * Take the next batch, in the order it was queued.
	 * @return up to {@code maxBatch} changes; empty when none is queued
	 */
	List<String[]> drain() {
		List<String[]> batch = new ArrayList<>();
		String[] op;
		while (batch.size() < this.maxBatch && (op = this.queue.poll()) != null) {
			this.queued.decrementAndGet();
			batch.add(op);
		}
		return batch;
	}

	/**
	 * When the oldest change of the batch just drained was queued; the clock restarts now
	 * for what is left.
	 * @return its {@link System#nanoTime()}, or 0 when unknown
	 */
	long takeOldestQueuedNanos() {
		return this.oldestQueuedNanos.getAndSet(this.queue.isEmpty() ? 0 : System.nanoTime());
	}

	/**
	 * Make a resync due: what the queue holds no longer brings Redis up to date.
	 */
	void requestResync() {
		this.resyncNeeded.set(true);
	}

	boolean isResyncNeeded() {
		return this.resyncNeeded.get();
	}

	/**
	 * Start a resync: nothing is due any more, and what was queued is dropped (the resync
	 * writes the hub's state). Changes queue again from now on.
	 */
	void startResync() {
		this.resyncNeeded.set(false);
		this.queue.clear();
		this.queued.set(0);
	}

	/**
	 * Session changes waiting to be written.
	 * @return the count
	 */
	int queued() {
		return this.queued.get();
	}

}
