package io.pushgateway.spi;

import java.util.List;

import io.pushgateway.core.Push;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Keeps recoverable pushes in a bounded stream per user and per GUID, so a client that
 * reconnects, to any node, can be sent what it missed. Streams are bounded by length and
 * age; every entry remembers the position before it, so a gap is detected exactly.
 *
 * @author Push Gateway team
 */
public interface PushStore {

	/**
	 * Append a push to its target's stream.
	 * @param stream the stream key ({@code user:{uid}} or {@code guid:{guid}})
	 * @param push the push
	 * @return the push's position in the stream
	 */
	Mono<String> append(String stream, Push push);

	/**
	 * The pushes of a stream after a position.
	 * @param stream the stream key
	 * @param since the last position the client has, or {@code null} for none
	 * @param max the most pushes to return; more than that is reported as a gap
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
	 * Compare two positions ({@code millis-sequence}, as Redis Streams IDs).
	 * @param a a position
	 * @param b another position
	 * @return negative, zero or positive
	 */
	static int compare(String a, String b) {
		int dashA = a.indexOf('-');
		int dashB = b.indexOf('-');
		int byMillis = Long.compare(Long.parseLong(a.substring(0, dashA)), Long.parseLong(b.substring(0, dashB)));
		return (byMillis != 0) ? byMillis
				: Long.compare(Long.parseLong(a.substring(dashA + 1)), Long.parseLong(b.substring(dashB + 1)));
	}

	/**
	 * What a stream holds after a position.
	 *
	 * @param complete whether the pushes are exactly everything after the position
	 * ({@code false} when some were trimmed away, or the stream is unknown)
	 * @param pushes the pushes after the position, in order, each with its position
	 * @param last the stream's last position, or {@code null} when it has none
	 */
	record Recovery(boolean complete, List<Push> pushes, @Nullable String last) {
	}

}
