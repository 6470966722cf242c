package io.pushgateway.spi;

import java.util.List;

import io.pushgateway.core.Push;
import io.pushgateway.core.StreamPosition;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Keeps recoverable pushes in a bounded stream per user and per GUID, so a client that
 * reconnects, to any node, can be sent what it missed. Streams are bounded by length and
 * age. Each append numbers its push with the stream's next offset, atomically, so the
 * offsets of a stream have no gap; a stream whose history is lost starts again under a
 * new epoch ({@link StreamPosition}).
 *
 * @author Push Gateway team
 */
public interface PushStore {

	/**
	 * Append a push to its target's stream.
	 * @param stream the stream key ({@code user:{uid}} or {@code guid:{guid}})
	 * @param push the push
	 * @return the push's position in the stream ({@code <epoch>:<offset>}, see
	 * {@link StreamPosition})
	 */
	Mono<String> append(String stream, Push push);

	/**
	 * The pushes of a stream after a position. Read without a position, a stream with no
	 * history begins one: its epoch is fixed and its last position is offset 0
	 * ({@code <epoch>:0}), so that a client that has seen nothing of it yet still has a
	 * position to recover from, and a reconnect from there gets every push appended
	 * meanwhile (a stream begun so expires as one appended to).
	 * @param stream the stream key
	 * @param since the last position the client has, or {@code null} for none
	 * @param max the most pushes to return; more than that is reported as a gap (a
	 * position of another epoch, or one whose successors were trimmed, too)
	 * @return the recovery
	 */
	Mono<Recovery> since(String stream, @Nullable String since, int max);

	/**
	 * How the store is doing, for health checks; cheap, never blocks.
	 * @return the store's health
	 */
	default BackendHealth health() {
		return BackendHealth.UP;
	}

	/**
	 * What a stream holds after a position.
	 *
	 * @param complete whether the pushes are exactly everything after the position
	 * ({@code false} when some were trimmed away, or the stream is unknown)
	 * @param pushes the pushes after the position, in order, each with its position
	 * @param last the stream's last position, or {@code null} when the stream has no
	 * history (it expired, or was never begun) and was read from a position
	 */
	record Recovery(boolean complete, List<Push> pushes, @Nullable String last) {
	}

}
