package io.pushgateway.hub;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PresenceListener;
import io.pushgateway.metrics.GatewayMetrics;
import reactor.core.scheduler.Schedulers;

/**
 * Hands the presence transitions this node's registry observed to the
 * {@link PresenceListener} beans: the application's, the upstream Kafka publisher, the
 * pushes to a GUID's members. The registry calls {@link #publish} on whatever thread
 * decided the transition; the listeners run one event at a time, in order, on a worker,
 * behind a bounded queue ({@code push.gateway.presence.max-queued}).
 *
 * @author Push Gateway team
 */
public final class PresenceEvents {

	private final ListenerQueue<PresenceEvent> queue;

	private final GatewayMetrics metrics;

	/**
	 * Create the dispatcher.
	 * @param listeners finds the listeners when the first transition arrives (the GUID
	 * frames listener needs the push template, which needs the registry, which needs
	 * this)
	 * @param maxQueued the most transitions waiting for the listeners
	 * @param metrics counts transitions by type and drops
	 */
	public PresenceEvents(Supplier<List<PresenceListener>> listeners, int maxQueued, GatewayMetrics metrics) {
		this.metrics = metrics;
		this.queue = new ListenerQueue<>("presence transitions (push.gateway.presence.max-queued)",
				() -> listeners.get()
					.stream()
					.<Consumer<PresenceEvent>>map((listener) -> listener::onPresence)
					.toList(),
				maxQueued, metrics::presenceDropped, Schedulers.boundedElastic());
	}

	/**
	 * Queue a transition for the listeners; never blocks.
	 * @param event the transition
	 */
	public void publish(PresenceEvent event) {
		if (this.queue.offer(event)) {
			this.metrics.presence(event.type().name().toLowerCase(Locale.ROOT));
		}
	}

	/**
	 * How many transitions were dropped because the listeners lagged.
	 * @return the count
	 */
	public long dropped() {
		return this.queue.dropped();
	}

}
