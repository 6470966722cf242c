package io.pushgateway.codec;

import org.jspecify.annotations.Nullable;

/**
 * Length limits on envelope fields, shared by every codec so both protocols reject the
 * same inputs.
 *
 * @author Push Gateway team
 */
final class FrameLimits {

	static final int MAX_ID_LENGTH = 64;

	static final int MAX_EVENT_LENGTH = 128;

	static final int MAX_GUID_LENGTH = 256;

	/** The longest credential a refresh frame carries. */
	static final int MAX_TOKEN_LENGTH = 8192;

	private FrameLimits() {
	}

	static String require(@Nullable String value, String field, int maxLength) {
		if (value == null || value.isEmpty()) {
			throw new MalformedFrameException("missing field '" + field + "'");
		}
		if (value.length() > maxLength) {
			throw new MalformedFrameException("field '" + field + "' longer than " + maxLength);
		}
		return value;
	}

	static @Nullable String optional(@Nullable String value, String field, int maxLength) {
		return (value != null) ? require(value, field, maxLength) : null;
	}

}
