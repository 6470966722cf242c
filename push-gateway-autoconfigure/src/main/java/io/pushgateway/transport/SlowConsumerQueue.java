package io.pushgateway.transport;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.metrics.GatewayMetrics;
import org.jspecify.annotations.Nullable;

/**
 * The frames a connection that reads too slowly has not taken yet, where each push's
 * {@link SlowConsumerPolicy} applies: a {@code CONFLATE} push replaces a waiting one of
 * the same event in place, the oldest waiting {@code DROP_OLDEST} pushes make room for a
 * newer frame, and a frame that still finds no room is dropped (and counted for the
 * client's {@code dropped} frame) or, for {@code CLOSE}, reported as an overflow for the
 * transport to close the connection. Shared by the connections that stream on a channel
 * of their own, WebSocket and Server-Sent Events ({@link ChannelConnection}: frames that
 * wait for the channel to be writable), long-polling (the next poll's batch) and
 * Socket.IO (its session's outbound queue). Confined to the connection's event loop.
 *
 * @author Push Gateway team
 */
public final class SlowConsumerQueue {

	private final ArrayDeque<Entry> entries = new ArrayDeque<>();

	/** The waiting {@code CONFLATE} pushes by event; created with the first. */
	private @Nullable Map<String, Entry> conflatable;

	private final GatewayMetrics metrics;

	private long bytes;

	private long droppedUnreported;

	public SlowConsumerQueue(GatewayMetrics metrics) {
		this.metrics = metrics;
	}

	/**
	 * Add a frame under its policy.
	 * @param frame the frame, whose reference this queue takes over
	 * @param event the push's event name, or {@code null} for a frame that is not a push
	 * @param policy the push's policy ({@code CLOSE} for frames that are not pushes)
	 * @param room how many bytes the queue may hold, the frame included
	 * @return {@code true} if the frame was queued or conflated; {@code false} if it was
	 * dropped, or found no room under {@code CLOSE} (the caller closes the connection)
	 */
	public boolean offer(ByteBuf frame, @Nullable String event, SlowConsumerPolicy policy, long room) {
		int size = frame.readableBytes();
		Map<String, Entry> conflatable = this.conflatable;
		if (policy == SlowConsumerPolicy.CONFLATE && event != null && conflatable != null) {
			Entry older = conflatable.get(event);
			if (older != null && this.bytes - older.size() + size <= room) {
				// the newer value takes the older one's place in the queue
				this.bytes += size - older.size();
				older.frame.release();
				older.frame = frame;
				this.metrics.slowConsumer(SlowConsumerPolicy.CONFLATE);
				return true;
			}
		}
		if (this.bytes + size > room) {
			dropOldest(room - size);
		}
		if (this.bytes + size > room) {
			frame.release();
			if (policy != SlowConsumerPolicy.CLOSE) {
				dropped();
			}
			return false;
		}
		Entry entry = new Entry(frame, event, policy);
		this.entries.add(entry);
		this.bytes += size;
		if (policy == SlowConsumerPolicy.CONFLATE && event != null) {
			if (conflatable == null) {
				conflatable = new HashMap<>();
				this.conflatable = conflatable;
			}
			conflatable.put(event, entry);
		}
		return true;
	}

	// a frame under CLOSE is never counted as dropped: its refusal closes the connection
	private void dropped() {
		this.droppedUnreported++;
		this.metrics.slowConsumer(SlowConsumerPolicy.DROP_OLDEST);
	}

	/* Drops the oldest waiting pushes that may be dropped until the bytes fit. */
	private void dropOldest(long fit) {
		Iterator<Entry> iterator = this.entries.iterator();
		while (this.bytes > fit && iterator.hasNext()) {
			Entry entry = iterator.next();
			if (entry.policy == SlowConsumerPolicy.DROP_OLDEST) {
				iterator.remove();
				forget(entry);
				entry.frame.release();
				dropped();
			}
		}
	}

	/**
	 * The oldest frame, removed; the caller releases it.
	 * @return the frame, or {@code null} when empty
	 */
	public @Nullable ByteBuf poll() {
		Entry entry = this.entries.poll();
		if (entry == null) {
			return null;
		}
		forget(entry);
		return entry.frame;
	}

	private void forget(Entry entry) {
		this.bytes -= entry.size();
		Map<String, Entry> conflatable = this.conflatable;
		if (entry.event != null && conflatable != null) {
			conflatable.remove(entry.event, entry);
		}
	}

	/**
	 * How many pushes were dropped since the last call, for the client's {@code dropped}
	 * frame.
	 * @return the count, now reset
	 */
	public long takeDropped() {
		long dropped = this.droppedUnreported;
		this.droppedUnreported = 0;
		return dropped;
	}

	public boolean isEmpty() {
		return this.entries.isEmpty();
	}

	public int size() {
		return this.entries.size();
	}

	/**
	 * The bytes of the waiting frames.
	 * @return the bytes
	 */
	public long bytes() {
		return this.bytes;
	}

	/** Release every waiting frame. */
	public void clear() {
		for (ByteBuf frame; (frame = poll()) != null;) {
			frame.release();
		}
	}

	/** A waiting frame; its frame is replaced when a newer push conflates it. */
	private static final class Entry {

		private ByteBuf frame;

		private final @Nullable String event;

		private final SlowConsumerPolicy policy;

		Entry(ByteBuf frame, @Nullable String event, SlowConsumerPolicy policy) {
			this.frame = frame;
			this.event = event;
			this.policy = policy;
		}

		int size() {
			return this.frame.readableBytes();
		}

	}

}
