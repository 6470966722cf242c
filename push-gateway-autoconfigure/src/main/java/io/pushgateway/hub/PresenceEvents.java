package io.pushgateway.hub;

import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PresenceListener;
import io.pushgateway.metrics.GatewayMetrics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

/**
 * Hands the presence transitions this node's registry observed to the
 * {@link PresenceListener} beans: the application's, the upstream Kafka publisher, the
 * frames to a GUID's members. The registry calls {@link #publish} on whatever thread
 * decided the transition (an event loop, a Redis reply); the listeners run one event at a
 * time, in order, on a worker. The queue between them is bounded: when listeners lag that
 * far behind, new transitions are dropped, counted and logged.
 *
 * @author Push Gateway team
 */
public final class PresenceEvents {

	private static final Log logger = LogFactory.getLog(PresenceEvents.class);

	private final Supplier<List<PresenceListener>> listenerLookup;

	private final int maxQueued;

	private final GatewayMetrics metrics;

	private final Scheduler worker;

	private final Queue<PresenceEvent> queue = Queues.<PresenceEvent>unboundedMultiproducer().get();

	private final AtomicInteger queued = new AtomicInteger();

	private final AtomicInteger wip = new AtomicInteger();

	private final AtomicLong dropped = new AtomicLong();

	private volatile @Nullable List<PresenceListener> listeners;

	/**
	 * Create the dispatcher.
	 * @param listeners finds the listeners when the first transition arrives (the GUID
	 * frames listener needs the push template, which needs the registry, which needs
	 * this)
	 * @param maxQueued the most transitions waiting for the listeners
	 * @param metrics counts transitions by type and drops
	 */
	public PresenceEvents(Supplier<List<PresenceListener>> listeners, int maxQueued, GatewayMetrics metrics) {
		this(listeners, maxQueued, metrics, Schedulers.boundedElastic());
	}

	PresenceEvents(Supplier<List<PresenceListener>> listeners, int maxQueued, GatewayMetrics metrics,
			Scheduler worker) {
		this.listenerLookup = listeners;
		this.maxQueued = maxQueued;
		this.metrics = metrics;
		this.worker = worker;
	}

	/**
	 * Queue a transition for the listeners; never blocks.
	 * @param event the transition
	 */
	public void publish(PresenceEvent event) {
		if (this.queued.incrementAndGet() > this.maxQueued) {
			this.queued.decrementAndGet();
			this.metrics.presenceDropped();
			if (this.dropped.getAndIncrement() % 10_000 == 0) {
				logger.warn("Presence listeners lag behind by " + this.maxQueued
						+ " transitions; dropping new ones (push.gateway.presence.max-queued)");
			}
			return;
		}
		this.metrics.presence(event.type().name().toLowerCase(Locale.ROOT));
		this.queue.offer(event);
		if (this.wip.getAndIncrement() == 0) {
			this.worker.schedule(this::drain);
		}
	}

	/**
	 * How many transitions were dropped because the listeners lagged.
	 * @return the count
	 */
	public long dropped() {
		return this.dropped.get();
	}

	private void drain() {
		List<PresenceListener> listeners = listeners();
		int missed = 1;
		for (;;) {
			PresenceEvent event;
			while ((event = this.queue.poll()) != null) {
				this.queued.decrementAndGet();
				for (PresenceListener listener : listeners) {
					try {
						listener.onPresence(event);
					}
					catch (RuntimeException ex) {
						logger.warn("Presence listener " + listener + " failed on " + event, ex);
					}
				}
			}
			missed = this.wip.addAndGet(-missed);
			if (missed == 0) {
				return;
			}
		}
	}

	private List<PresenceListener> listeners() {
		List<PresenceListener> listeners = this.listeners;
		if (listeners == null) {
			listeners = List.copyOf(this.listenerLookup.get());
			this.listeners = listeners;
		}
		return listeners;
	}

}
