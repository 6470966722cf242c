package io.pushgateway.core;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * A recoverable push's place in its stream: an offset that numbers the stream's pushes
 * one by one with no gap ({@code 1, 2, 3, ...}), and the epoch of the stream's history.
 * The epoch changes when the history is lost (the stream expired, the store was flushed),
 * so a position of an old history is never taken for one of the new. On the wire a
 * position is {@code <epoch>:<offset>}, such as {@code k3x9q2ab:17}.
 *
 * @param epoch the history's epoch: 1 to 16 letters and digits
 * @param offset the push's number in the stream, from 1; 0 for an empty stream
 * @author Push Gateway team
 */
public record StreamPosition(String epoch, long offset) {

	private static final int MAX_EPOCH_LENGTH = 16;

	private static final String EPOCH_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

	public StreamPosition {
		Objects.requireNonNull(epoch, "epoch");
		if (!isEpoch(epoch) || offset < 0) {
			throw new IllegalArgumentException("not a stream position: " + epoch + ":" + offset);
		}
	}

	/**
	 * Parse a position written as {@code <epoch>:<offset>}.
	 * @param text the text
	 * @return the position, or {@code null} if the text is not one
	 */
	public static @Nullable StreamPosition parse(@Nullable String text) {
		if (text == null) {
			return null;
		}
		int colon = text.indexOf(':');
		if (colon < 1 || colon > MAX_EPOCH_LENGTH || colon == text.length() - 1 || text.length() - colon - 1 > 18) {
			return null;
		}
		String epoch = text.substring(0, colon);
		if (!isEpoch(epoch)) {
			return null;
		}
		long offset = 0;
		for (int i = colon + 1; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return null;
			}
			offset = offset * 10 + (c - '0');
		}
		return new StreamPosition(epoch, offset);
	}

	/**
	 * Whether a text is a position ({@code <epoch>:<offset>}).
	 * @param text the text
	 * @return {@code true} if it is
	 */
	public static boolean isPosition(@Nullable String text) {
		return parse(text) != null;
	}

	/**
	 * A new random epoch, for a stream whose history starts.
	 * @return eight lower-case letters and digits
	 */
	public static String newEpoch() {
		char[] epoch = new char[8];
		for (int i = 0; i < epoch.length; i++) {
			// an epoch only has to differ from the stream's earlier ones, not be secret:
			// SecureRandom would read the OS's entropy on first use, on an event loop
			epoch[i] = EPOCH_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(EPOCH_ALPHABET.length()));
		}
		return new String(epoch);
	}

	private static boolean isEpoch(String epoch) {
		if (epoch.isEmpty() || epoch.length() > MAX_EPOCH_LENGTH) {
			return false;
		}
		for (int i = 0; i < epoch.length(); i++) {
			char c = epoch.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The next position of the same history.
	 * @return this position's successor
	 */
	public StreamPosition next() {
		return new StreamPosition(this.epoch, this.offset + 1);
	}

	@Override
	public String toString() {
		return this.epoch + ":" + this.offset;
	}

}
