package io.pushgateway.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import io.pushgateway.core.Push;
import io.pushgateway.core.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * Where one connection stands in one recoverable stream: the last position it was given,
 * and the pushes that arrived ahead of their turn. Confined to the connection's event
 * loop; {@link StreamOrder} drives it.
 *
 * @author Push Gateway team
 */
final class StreamCursor {

	/** The epoch of the history the connection follows; {@code null} before any. */
	@Nullable String epoch;

	/** The offset of the last push the connection was given (or that it had). */
	long offset;

	/** Whether the store is being read for this stream (a recovery or a gap). */
	boolean reading;

	/**
	 * Counts the reads, so that a read's answer is applied only if no later read began.
	 */
	int reads;

	/**
	 * Pushes that arrived ahead of their turn, in arrival order; {@code null} when none.
	 */
	@Nullable List<Held> held;

	/** Fills the gap from the store when it stays open; {@code null} when none is due. */
	@Nullable ScheduledFuture<?> timer;

	void hold(Push push, StreamPosition position, long since) {
		if (this.held == null) {
			this.held = new ArrayList<>(4);
		}
		this.held.add(new Held(push, position, since));
	}

	int heldCount() {
		return (this.held != null) ? this.held.size() : 0;
	}

	void at(@Nullable StreamPosition position) {
		this.epoch = (position != null) ? position.epoch() : null;
		this.offset = (position != null) ? position.offset() : 0;
	}

	@Nullable StreamPosition position() {
		return (this.epoch != null) ? new StreamPosition(this.epoch, this.offset) : null;
	}

	void cancelTimer() {
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
	}

	/**
	 * A push held back.
	 *
	 * @param push the push
	 * @param position its position
	 * @param since when it was first held for order ({@link System#nanoTime()}), or
	 * {@code 0} when it was held only while the stream was read
	 */
	record Held(Push push, StreamPosition position, long since) {
	}

}
