package io.pushgateway.registry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PresenceListener;
import io.pushgateway.core.RecentPresence;
import reactor.core.publisher.Mono;

/**
 * The latest presence transitions of a single node, in memory: a listener of the
 * transitions that keeps the last {@link #KEPT}.
 *
 * @author Push Gateway team
 */
public final class InMemoryRecentPresence implements RecentPresence, PresenceListener {

	private final Deque<PresenceEvent> events = new ArrayDeque<>();

	@Override
	public synchronized void onPresence(PresenceEvent event) {
		this.events.addFirst(event);
		if (this.events.size() > KEPT) {
			this.events.removeLast();
		}
	}

	@Override
	public Mono<List<PresenceEvent>> recent(int limit) {
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				List<PresenceEvent> latest = new ArrayList<>(this.events);
				return List.copyOf(latest.subList(0, Math.min(Math.max(limit, 0), latest.size())));
			}
		});
	}

}
