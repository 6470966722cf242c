package io.pushgateway.hub;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;

/**
 * Hands events that arise on any thread (an event loop, a Redis reply, an ack timeout) to
 * application listeners one at a time, in order, on a worker, through a bounded queue:
 * when the listeners lag {@code maxQueued} events behind, new events are dropped, counted
 * and logged. Written by hand because Reactor's sinks refuse concurrent producers and a
 * Flux per event would allocate on the hot path; this is a multi-producer queue and the
 * usual work-in-progress counter.
 *
 * @param <E> the event type
 * @author Push Gateway team
 */
final class ListenerQueue<E> {

	private static final Log logger = LogFactory.getLog(ListenerQueue.class);

	private final String what;

	private final Supplier<List<Consumer<E>>> listenerLookup;

	private final int maxQueued;

	private final Runnable onDropped;

	private final Scheduler worker;

	private final Queue<E> queue = Queues.<E>unboundedMultiproducer().get();

	private final AtomicInteger queued = new AtomicInteger();

	private final AtomicInteger wip = new AtomicInteger();

	private final AtomicLong dropped = new AtomicLong();

	private volatile @Nullable List<Consumer<E>> listeners;

	/**
	 * Create a queue.
	 * @param what what the events are, and the property that bounds them, for the log
	 * @param listeners finds the listeners when the first event arrives
	 * @param maxQueued the most events waiting for the listeners
	 * @param onDropped counts a dropped event
	 * @param worker where the listeners run
	 */
	ListenerQueue(String what, Supplier<List<Consumer<E>>> listeners, int maxQueued, Runnable onDropped,
			Scheduler worker) {
		this.what = what;
		this.listenerLookup = listeners;
		this.maxQueued = maxQueued;
		this.onDropped = onDropped;
		this.worker = worker;
	}

	/**
	 * Queue an event; never blocks.
	 * @param event the event
	 * @return {@code false} if it was dropped
	 */
	boolean offer(E event) {
		if (this.queued.incrementAndGet() > this.maxQueued) {
			this.queued.decrementAndGet();
			this.onDropped.run();
			if (this.dropped.getAndIncrement() % 10_000 == 0) {
				logger.warn("Listeners of " + this.what + " lag behind by " + this.maxQueued
						+ " events; dropping new ones");
			}
			return false;
		}
		this.queue.offer(event);
		if (this.wip.getAndIncrement() == 0) {
			this.worker.schedule(this::drain);
		}
		return true;
	}

	long dropped() {
		return this.dropped.get();
	}

	private void drain() {
		List<Consumer<E>> listeners = listeners();
		int missed = 1;
		for (;;) {
			E event;
			while ((event = this.queue.poll()) != null) {
				this.queued.decrementAndGet();
				for (Consumer<E> listener : listeners) {
					try {
						listener.accept(event);
					}
					catch (RuntimeException ex) {
						logger.warn("Listener " + listener + " failed on " + event, ex);
					}
				}
			}
			missed = this.wip.addAndGet(-missed);
			if (missed == 0) {
				return;
			}
		}
	}

	private List<Consumer<E>> listeners() {
		List<Consumer<E>> listeners = this.listeners;
		if (listeners == null) {
			listeners = List.copyOf(this.listenerLookup.get());
			this.listeners = listeners;
		}
		return listeners;
	}

}
