package io.pushgateway.test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

/**
 * The positions of the streams a {@link PushTestClient} follows, from the pushes and
 * {@code recovered} frames it receives, and the pushes that broke their stream's order,
 * as the docs' rules for clients say.
 *
 * @author Push Gateway team
 */
final class StreamPositions {

	/** The last position of each stream ({@code ""} for the user's, else the GUID). */
	private final Map<String, String> positions = new ConcurrentHashMap<>();

	/**
	 * Pushes that broke the order of their stream, as the docs' rules for clients say.
	 */
	private final List<String> disorder = new CopyOnWriteArrayList<>();

	/**
	 * The last position of a stream.
	 * @param stream {@code ""} for the user's stream, else the GUID
	 * @return the position, or {@code null} before any
	 */
	@Nullable String position(String stream) {
		return this.positions.get(stream);
	}

	/**
	 * Assert that every recoverable push so far followed the last of its stream.
	 * @throws AssertionError naming each push that broke it
	 */
	void assertInOrder() {
		if (!this.disorder.isEmpty()) {
			throw new AssertionError("pushes out of position order: " + this.disorder);
		}
	}

	/**
	 * Follow a frame as it arrives, before the test sees it.
	 * @param frame the frame
	 */
	void follow(PushTestClient.Frame frame) {
		Object position = frame.get("p");
		if (!(position instanceof String next)) {
			return;
		}
		Object guid = frame.get("g");
		String stream = (guid instanceof String g) ? g : "";
		if (frame.type().equals("push")) {
			String last = this.positions.get(stream);
			if (last != null && !follows(last, next)) {
				this.disorder.add(next + " after " + last + ((guid != null) ? " (GUID " + guid + ")" : ""));
			}
			this.positions.put(stream, next);
		}
		else if (frame.type().equals("recovered")) {
			this.positions.put(stream, next);
		}
	}

	private static boolean follows(String last, String next) {
		int lastColon = last.indexOf(':');
		int nextColon = next.indexOf(':');
		if (lastColon < 0 || nextColon < 0) {
			return false;
		}
		return last.substring(0, lastColon).equals(next.substring(0, nextColon))
				&& Long.parseLong(next.substring(nextColon + 1)) == Long.parseLong(last.substring(lastColon + 1)) + 1;
	}

}
