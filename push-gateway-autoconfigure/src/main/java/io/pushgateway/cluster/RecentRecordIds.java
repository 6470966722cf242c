package io.pushgateway.cluster;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The {@code X-ID}s of records from outside the gateway that a node read within a window:
 * a record whose {@code X-ID} was read already is a repeat (a producer that retried, a
 * service that sent it again) and is dropped. Every node reads every push record, so each
 * node deduplicates on its own. At most {@code max} IDs are kept, the oldest forgotten
 * first. Used by one consumer thread at a time; synchronized all the same.
 *
 * @author Push Gateway team
 */
public final class RecentRecordIds {

	private final long windowMillis;

	private final int max;

	private final LongSupplier clock;

	private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

	/**
	 * Create the set.
	 * @param window how long an ID is remembered
	 * @param max the most IDs remembered
	 * @param clock the time in milliseconds
	 */
	public RecentRecordIds(Duration window, int max, LongSupplier clock) {
		this.windowMillis = window.toMillis();
		this.max = max;
		this.clock = clock;
	}

	/**
	 * Remember an ID.
	 * @param id the record's {@code X-ID}
	 * @return {@code true} when it was not seen within the window
	 */
	public synchronized boolean firstTime(String id) {
		long now = this.clock.getAsLong();
		Iterator<Map.Entry<String, Long>> oldest = this.seen.entrySet().iterator();
		while (oldest.hasNext()) {
			Map.Entry<String, Long> next = oldest.next();
			if (next.getValue() + this.windowMillis > now && this.seen.size() < this.max) {
				break;
			}
			oldest.remove();
		}
		return this.seen.putIfAbsent(id, now) == null;
	}

}
