package io.pushgateway.hub;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Where one connection stands in each recoverable stream it follows, and how many pushes
 * it has held back over all of them, the state {@link StreamOrder} and
 * {@link RecoveryCoordinator} gate its recoverable pushes with. Confined to the
 * connection's event loop.
 *
 * @author Push Gateway team
 */
final class StreamCursors {

	/** The cursors by stream, or {@code null} before the first. */
	private @Nullable Map<String, StreamCursor> cursors;

	/** Pushes held back over all streams. */
	private int held;

	/**
	 * The connection's cursor in a stream.
	 * @param stream the stream key
	 * @return the cursor, or {@code null} when the connection does not follow the stream
	 */
	@Nullable StreamCursor cursor(String stream) {
		return (this.cursors != null) ? this.cursors.get(stream) : null;
	}

	/**
	 * Start following a stream (again), from no position. The cursors of GUIDs the
	 * connection left are dropped here, so they stay as many as its streams.
	 * @param stream the stream key
	 * @param guids the GUIDs the connection is attached to now
	 * @return the new cursor
	 */
	StreamCursor newCursor(String stream, Set<String> guids) {
		Map<String, StreamCursor> cursors = this.cursors;
		if (cursors == null) {
			cursors = new HashMap<>(2);
			this.cursors = cursors;
		}
		else if (cursors.size() > guids.size() + 8) {
			cursors.entrySet().removeIf((entry) -> {
				boolean left = entry.getKey().startsWith("guid:") && !guids.contains(entry.getKey().substring(5));
				if (left) {
					forget(entry.getValue());
				}
				return left;
			});
		}
		StreamCursor cursor = new StreamCursor();
		StreamCursor previous = cursors.put(stream, cursor);
		if (previous != null) {
			forget(previous);
		}
		return cursor;
	}

	private void forget(StreamCursor cursor) {
		cursor.cancelTimer();
		this.held -= cursor.heldCount();
	}

	/**
	 * Count pushes held back (or released, with a negative count).
	 * @param count how many
	 * @param max the most the connection may hold
	 * @return {@code false} if holding them would pass the bound
	 */
	boolean addHeld(int count, int max) {
		if (count > 0 && this.held + count > max) {
			return false;
		}
		this.held += count;
		return true;
	}

}
