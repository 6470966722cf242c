package io.pushgateway.hub;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.pushgateway.metrics.Limit;
import org.jspecify.annotations.Nullable;

/**
 * What one connection's client sends, counted against the per-connection limits: the
 * frames and bytes of the current one-second window, and the messages awaiting their
 * upstream handler.
 *
 * @author Push Gateway team
 */
final class InboundLimits {

	private static final AtomicIntegerFieldUpdater<InboundLimits> IN_FLIGHT = AtomicIntegerFieldUpdater
		.newUpdater(InboundLimits.class, "inFlight");

	/** Upstream messages awaiting their handler. */
	private volatile int inFlight;

	/** Confined to the event loop: messages refused by the per-user rate in a row. */
	private int refusedInARow;

	/** Guarded by this: the rate limit's window. */
	private long windowStart;

	private int messages;

	private long bytes;

	InboundLimits(long nanos) {
		this.windowStart = nanos;
	}

	/**
	 * Count a frame from the client against the rate limits, in one-second windows.
	 * @param bytes the frame's size
	 * @param maxMessages messages allowed per second, or {@code 0} for no limit
	 * @param maxBytes bytes allowed per second, or {@code 0} for no limit
	 * @param nanos the current {@link System#nanoTime()}
	 * @return {@code null} when within the limits, otherwise the limit passed
	 */
	synchronized @Nullable Limit countFrame(int bytes, int maxMessages, long maxBytes, long nanos) {
		// synchronized: long-polling sends may arrive on several event loops at once
		if (nanos - this.windowStart >= 1_000_000_000L) {
			this.windowStart = nanos;
			this.messages = 0;
			this.bytes = 0;
		}
		this.messages++;
		this.bytes += bytes;
		if (maxMessages > 0 && this.messages > maxMessages) {
			return Limit.MESSAGES_PER_SECOND;
		}
		if (maxBytes > 0 && this.bytes > maxBytes) {
			return Limit.BYTES_PER_SECOND;
		}
		return null;
	}

	/**
	 * Count a message handed to its handler, unless too many await theirs.
	 * @param max the most messages awaiting their handler
	 * @return {@code false} when {@code max} already do
	 */
	boolean tryAcquireInFlight(int max) {
		while (true) {
			int current = this.inFlight;
			if (current >= max) {
				return false;
			}
			if (IN_FLIGHT.compareAndSet(this, current, current + 1)) {
				return true;
			}
		}
	}

	/** A message's handler finished. */
	void releaseInFlight() {
		IN_FLIGHT.decrementAndGet(this);
	}

	/** A message passed the per-user rate; called on the event loop. */
	void admitted() {
		this.refusedInARow = 0;
	}

	/**
	 * A message was refused by the per-user rate; called on the event loop.
	 * @return how many were refused in a row
	 */
	int refused() {
		return ++this.refusedInARow;
	}

}
