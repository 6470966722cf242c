package io.pushgateway.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.pushgateway.spi.IdempotencyStore;
import reactor.core.publisher.Mono;

/**
 * The idempotency keys of a single node, in memory: at most {@code maxKeys} of them, the
 * oldest forgotten first when more arrive within the window.
 *
 * @author Push Gateway team
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

	private final int maxKeys;

	private final Clock clock;

	/* In insertion order, so the oldest is first; guarded by itself. */
	private final LinkedHashMap<String, Entry> keys = new LinkedHashMap<>();

	public InMemoryIdempotencyStore(int maxKeys, Clock clock) {
		this.maxKeys = maxKeys;
		this.clock = clock;
	}

	@Override
	public Mono<Optional<String>> claim(String key, Duration lease) {
		return Mono.fromSupplier(() -> {
			long now = this.clock.millis();
			synchronized (this.keys) {
				Entry existing = this.keys.get(key);
				if (existing != null && existing.expiresAt() > now) {
					return Optional.of(existing.value());
				}
				this.keys.remove(key);
				prune(now);
				this.keys.put(key, new Entry("", now + lease.toMillis()));
				return Optional.empty();
			}
		});
	}

	@Override
	public Mono<String> get(String key) {
		return Mono.fromSupplier(() -> {
			synchronized (this.keys) {
				Entry entry = this.keys.get(key);
				return (entry != null && entry.expiresAt() > this.clock.millis()) ? entry.value() : null;
			}
		});
	}

	@Override
	public Mono<Void> complete(String key, String messageId, Duration window) {
		return Mono.fromRunnable(() -> {
			synchronized (this.keys) {
				this.keys.put(key, new Entry(messageId, this.clock.millis() + window.toMillis()));
			}
		});
	}

	@Override
	public Mono<Void> release(String key) {
		return Mono.fromRunnable(() -> {
			synchronized (this.keys) {
				this.keys.remove(key);
			}
		});
	}

	/* How many keys are remembered. */
	int size() {
		synchronized (this.keys) {
			return this.keys.size();
		}
	}

	private void prune(long now) {
		Iterator<Map.Entry<String, Entry>> oldest = this.keys.entrySet().iterator();
		while (oldest.hasNext()) {
			Map.Entry<String, Entry> next = oldest.next();
			if (next.getValue().expiresAt() <= now || this.keys.size() >= this.maxKeys) {
				oldest.remove();
			}
			else {
				// entries are in insertion order, and windows alike: the rest are newer
				return;
			}
		}
	}

	private record Entry(String value, long expiresAt) {
	}

}
