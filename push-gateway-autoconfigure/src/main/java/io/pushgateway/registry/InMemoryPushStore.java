package io.pushgateway.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.pushgateway.core.Push;
import io.pushgateway.core.StreamPosition;
import io.pushgateway.spi.PushStore;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The {@link PushStore} of a single node (the embedded default): streams live in the
 * node's memory, bounded by length and age, and idle streams are dropped once they are
 * older than the age bound, taking their history with them: a stream created again has a
 * new epoch. A stream read without a position begins its history then, at offset 0.
 *
 * @author Push Gateway team
 */
public final class InMemoryPushStore implements PushStore {

	private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();

	private final int maxLength;

	private final Duration maxAge;

	private final Clock clock;

	private final AtomicLong appends = new AtomicLong();

	private final AtomicLong opened = new AtomicLong();

	public InMemoryPushStore(int maxLength, Duration maxAge, Clock clock) {
		this.maxLength = maxLength;
		this.maxAge = maxAge;
		this.clock = clock;
	}

	@Override
	public Mono<String> append(String stream, Push push) {
		return Mono.fromSupplier(() -> {
			if (this.appends.incrementAndGet() % 1024 == 0) {
				dropIdleStreams();
			}
			long now = this.clock.millis();
			Stream entries = this.streams.computeIfAbsent(stream, (key) -> new Stream(now));
			synchronized (entries) {
				return entries.append(push, now);
			}
		});
	}

	@Override
	public Mono<Recovery> since(String stream, @Nullable String since, int max) {
		return Mono.fromSupplier(() -> {
			Stream entries = this.streams.get(stream);
			if (entries == null && since != null) {
				return new Recovery(false, List.of(), null);
			}
			if (entries == null) {
				// read without a position: the stream begins its history, so its reader
				// has a position (<epoch>:0) to recover from
				if (this.opened.incrementAndGet() % 1024 == 0) {
					dropIdleStreams();
				}
				long now = this.clock.millis();
				entries = this.streams.computeIfAbsent(stream, (key) -> new Stream(now));
			}
			synchronized (entries) {
				return entries.since(since, max, this.clock.millis());
			}
		});
	}

	private void dropIdleStreams() {
		long now = this.clock.millis();
		this.streams.entrySet().removeIf((entry) -> {
			synchronized (entry.getValue()) {
				return now - entry.getValue().lastAppend > this.maxAge.toMillis();
			}
		});
	}

	/** One stream; guarded by its own monitor. */
	private final class Stream {

		private final ArrayDeque<Entry> entries = new ArrayDeque<>();

		private final String epoch = StreamPosition.newEpoch();

		/** The offset of the last push appended; survives trimming. */
		private long top;

		/** When the stream last changed: created or appended to. */
		private long lastAppend;

		Stream(long created) {
			this.lastAppend = created;
		}

		String append(Push push, long now) {
			String position = new StreamPosition(this.epoch, ++this.top).toString();
			this.entries.addLast(new Entry(this.top, now, push.at(position)));
			this.lastAppend = now;
			trim(now);
			return position;
		}

		Recovery since(@Nullable String since, int max, long now) {
			trim(now);
			String last = new StreamPosition(this.epoch, this.top).toString();
			if (since == null) {
				return new Recovery(true, List.of(), last);
			}
			StreamPosition from = StreamPosition.parse(since);
			if (from == null || !from.epoch().equals(this.epoch) || from.offset() > this.top) {
				return new Recovery(false, List.of(), last);
			}
			long missed = this.top - from.offset();
			Entry first = this.entries.peekFirst();
			if (missed == 0) {
				return new Recovery(true, List.of(), last);
			}
			if (missed > max || first == null || first.offset > from.offset() + 1) {
				return new Recovery(false, List.of(), last);
			}
			List<Push> after = new ArrayList<>((int) missed);
			for (Entry entry : this.entries) {
				if (entry.offset > from.offset()) {
					after.add(entry.push);
				}
			}
			return new Recovery(true, after, last);
		}

		private void trim(long now) {
			while (this.entries.size() > InMemoryPushStore.this.maxLength) {
				this.entries.removeFirst();
			}
			Iterator<Entry> oldest = this.entries.iterator();
			while (oldest.hasNext() && now - oldest.next().at > InMemoryPushStore.this.maxAge.toMillis()) {
				oldest.remove();
			}
		}

	}

	private record Entry(long offset, long at, Push push) {
	}

}
