package io.pushgateway.hub;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.Push;
import io.pushgateway.core.StreamPosition;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.PushStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Gives each connection the recoverable pushes of a stream in position order, each once,
 * whatever path they took: delivered by the node that issued them, over the cluster bus,
 * or replayed from the store. Pushes to one user issued through several nodes at once are
 * appended in one order and may arrive in another; a push whose predecessor this
 * connection has not been given yet is held, for at most the gap timeout, until the
 * predecessor arrives. Then the gap is read from the store; what the store no longer
 * holds is reported to the client (error {@value ErrorCodes#UNRECOVERABLE} and
 * {@code recovered} with {@code ok:false}), never skipped silently. A push at or below
 * the connection's position is a duplicate and is dropped.
 *
 * <p>
 * Everything here runs on the connection's event loop, where its cursors live.
 *
 * @author Push Gateway team
 */
public final class StreamOrder {

	private static final Log logger = LogFactory.getLog(StreamOrder.class);

	private static final Comparator<StreamCursor.Held> BY_OFFSET = Comparator
		.comparingLong((held) -> held.position().offset());

	/** The most live pushes held for one connection, over all its streams. */
	static final int MAX_HELD = 10_000;

	private final PushStore store;

	private final int maxReplay;

	private final long gapTimeoutNanos;

	private final @Nullable GatewayMetrics metrics;

	/**
	 * Create the ordering.
	 * @param store where gaps are read from
	 * @param maxReplay the most pushes read for one gap (the store's length bound)
	 * @param gapTimeout how long a push waits for its predecessor before the gap is read
	 * from the store
	 * @param metrics counts held pushes, duplicates and gaps, or {@code null}
	 */
	public StreamOrder(PushStore store, int maxReplay, Duration gapTimeout, @Nullable GatewayMetrics metrics) {
		this.store = store;
		this.maxReplay = maxReplay;
		this.gapTimeoutNanos = gapTimeout.toNanos();
		this.metrics = metrics;
	}

	PushStore store() {
		return this.store;
	}

	int maxReplay() {
		return this.maxReplay;
	}

	/**
	 * Whether a live push is the next of its stream for a connection, so the caller
	 * writes it now and then calls {@link #written}; on the connection's event loop.
	 * @param connection the connection
	 * @param push the push
	 * @return {@code true} to write it now, {@code false} when it was held or dropped
	 */
	boolean admit(PushConnection connection, Push push) {
		String stream = push.stream();
		StreamPosition position = StreamPosition.parse(push.position());
		if (stream == null || position == null) {
			return true;
		}
		StreamCursor cursor = connection.streams().cursor(stream);
		if (cursor == null) {
			// the connection never read this stream (a GUID attached at the handshake):
			// its order starts with this push
			cursor = connection.streams().newCursor(stream, connection.guids());
			cursor.at(new StreamPosition(position.epoch(), position.offset() - 1));
		}
		return offer(connection, stream, cursor, push, position, 0);
	}

	/**
	 * After an admitted push was written: write the held pushes that follow it.
	 * @param connection the connection
	 * @param push the push just written
	 */
	void written(PushConnection connection, Push push) {
		String stream = push.stream();
		if (stream == null) {
			return;
		}
		StreamCursor cursor = connection.streams().cursor(stream);
		if (cursor != null && cursor.held != null && !cursor.reading) {
			drain(connection, stream, cursor);
		}
	}

	private boolean offer(PushConnection connection, String stream, StreamCursor cursor, Push push,
			StreamPosition position, long heldSince) {
		if (cursor.reading) {
			hold(connection, stream, cursor, push, position, heldSince, false);
			return false;
		}
		if (cursor.epoch == null) {
			// the stream had no history when it was read: this push's history is the one
			cursor.epoch = position.epoch();
		}
		else if (!cursor.epoch.equals(position.epoch())) {
			// the stream's history was lost and began again: what this connection missed
			// of the old one cannot be sent
			lost(connection, stream, cursor, new StreamPosition(position.epoch(), 0));
			if (cursor.held != null) {
				int before = cursor.held.size();
				cursor.held.removeIf((held) -> !held.position().epoch().equals(position.epoch()));
				connection.streams().addHeld(cursor.held.size() - before, MAX_HELD);
			}
		}
		if (position.offset() <= cursor.offset) {
			count("duplicate");
			return false;
		}
		if (position.offset() == cursor.offset + 1) {
			cursor.offset = position.offset();
			return true;
		}
		hold(connection, stream, cursor, push, position, heldSince, true);
		return false;
	}

	private void hold(PushConnection connection, String stream, StreamCursor cursor, Push push, StreamPosition position,
			long heldSince, boolean forOrder) {
		if (!connection.streams().addHeld(1, MAX_HELD)) {
			connection.close(CloseCodes.SLOW_CONSUMER, "too many pushes held for their order");
			return;
		}
		long since = heldSince;
		if (forOrder && since == 0) {
			since = System.nanoTime();
			count("held");
		}
		cursor.hold(push, position, since);
		if (forOrder) {
			if (cursor.heldCount() >= this.maxReplay) {
				// a gap this wide cannot close by waiting: read it now
				fill(connection, stream, cursor);
			}
			else if (cursor.timer == null) {
				StreamCursor gapped = cursor;
				cursor.timer = connection.eventLoop()
					.schedule(() -> fill(connection, stream, gapped), this.gapTimeoutNanos, TimeUnit.NANOSECONDS);
			}
		}
	}

	/*
	 * Offers the held pushes again in offset order: those that follow on are written,
	 * duplicates dropped, the rest held again (a timer is set for them).
	 */
	private void drain(PushConnection connection, String stream, StreamCursor cursor) {
		List<StreamCursor.Held> pending = cursor.held;
		if (pending == null) {
			return;
		}
		cursor.held = null;
		cursor.cancelTimer();
		connection.streams().addHeld(-pending.size(), MAX_HELD);
		pending.sort(BY_OFFSET);
		long now = System.nanoTime();
		for (StreamCursor.Held held : pending) {
			if (offer(connection, stream, cursor, held.push(), held.position(), held.since())) {
				write(connection, held.push());
				if (held.since() != 0 && this.metrics != null) {
					this.metrics.recoveryHeld(now - held.since());
				}
			}
		}
	}

	/*
	 * The gap stayed open: read what follows the connection's position from the store.
	 */
	private void fill(PushConnection connection, String stream, StreamCursor cursor) {
		cursor.timer = null;
		StreamPosition from = cursor.position();
		if (!connection.isOpen() || connection.streams().cursor(stream) != cursor || cursor.reading
				|| cursor.held == null || from == null) {
			return;
		}
		cursor.reading = true;
		int read = ++cursor.reads;
		EventExecutor loop = connection.eventLoop();
		this.store.since(stream, from.toString(), this.maxReplay)
			.subscribe((recovery) -> loop.execute(() -> filled(connection, stream, cursor, read, recovery)),
					(error) -> loop.execute(() -> {
						logger.warn("Reading a gap of " + stream + " failed for socket " + connection.socketId() + ": "
								+ error);
						filled(connection, stream, cursor, read, null);
					}));
	}

	private void filled(PushConnection connection, String stream, StreamCursor cursor, int read,
			PushStore.@Nullable Recovery recovery) {
		if (cursor.reads != read || connection.streams().cursor(stream) != cursor) {
			return;
		}
		cursor.reading = false;
		StreamPosition from = cursor.position();
		if (recovery != null && recovery.complete() && from != null) {
			for (Push push : recovery.pushes()) {
				StreamPosition position = StreamPosition.parse(push.position());
				if (position != null && position.epoch().equals(from.epoch()) && position.offset() > cursor.offset) {
					write(connection, push);
					cursor.offset = position.offset();
				}
			}
			count("filled");
		}
		else if (cursor.held != null && from != null) {
			// the store no longer has what the connection missed: say so, then go on
			// from the first push held
			cursor.held.sort(BY_OFFSET);
			StreamPosition first = cursor.held.get(0).position();
			count("given_up");
			lost(connection, stream, cursor, new StreamPosition(first.epoch(), first.offset() - 1));
		}
		drain(connection, stream, cursor);
		connection.flush();
	}

	/**
	 * Tell the client that what it missed of a stream is lost, and move its cursor to a
	 * new position.
	 * @param connection the connection
	 * @param stream the stream
	 * @param cursor the connection's cursor in the stream
	 * @param position where the connection goes on from
	 */
	void lost(PushConnection connection, String stream, StreamCursor cursor, StreamPosition position) {
		String guid = stream.startsWith("guid:") ? stream.substring(5) : null;
		connection.send(new ServerFrame.Error(null, ErrorCodes.UNRECOVERABLE,
				"missed pushes of " + stream + " are no longer kept; resynchronize"));
		connection.send(new ServerFrame.Recovered(guid, false, 0, position.toString()));
		cursor.at(position);
	}

	/**
	 * After a recovery read: the connection is at a position; held pushes follow on.
	 * @param connection the connection
	 * @param stream the stream
	 * @param cursor the cursor
	 */
	void resume(PushConnection connection, String stream, StreamCursor cursor) {
		cursor.reading = false;
		drain(connection, stream, cursor);
	}

	private void write(PushConnection connection, Push push) {
		connection.write(Unpooled.wrappedBuffer(connection.codec().encodePush(push)));
	}

	private void count(String outcome) {
		if (this.metrics == null) {
			return;
		}
		switch (outcome) {
			case "held", "duplicate" -> this.metrics.recoveryOrder(outcome);
			default -> this.metrics.recoveryGap(outcome);
		}
	}

}
