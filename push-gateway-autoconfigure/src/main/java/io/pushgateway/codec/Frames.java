package io.pushgateway.codec;

import io.pushgateway.core.Payload;
import io.pushgateway.core.StreamPosition;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;

/**
 * Builds a {@link ClientFrame} from decoded envelope fields, the same way for every
 * codec.
 *
 * @author Push Gateway team
 */
public final class Frames {

	private Frames() {
	}

	/**
	 * Whether a value is a stream position ({@code <epoch>:<offset>}).
	 * @param value the value
	 * @return {@code true} if it is
	 */
	public static boolean isPosition(String value) {
		return StreamPosition.isPosition(value);
	}

	/**
	 * A frame the JSON parser refused, with one of two fixed reasons: the parser's own
	 * message names its classes and settings, so it goes no further than the cause, for a
	 * debug log.
	 * @param ex what the parser threw
	 * @return the exception to throw
	 */
	static MalformedFrameException malformedJson(JacksonException ex) {
		return new MalformedFrameException((ex instanceof StreamConstraintsException)
				? "JSON nested too deeply or holding too long a value" : "invalid JSON", ex);
	}

	/*
	 * A position must be one ({@code <epoch>:<offset>}); anything else is malformed.
	 */
	private static @Nullable String position(@Nullable String since) {
		if (since != null && !isPosition(since)) {
			throw new MalformedFrameException("field 'since' is not a position");
		}
		return since;
	}

	static ClientFrame clientFrame(@Nullable String type, @Nullable String id, @Nullable String event,
			@Nullable String guid, @Nullable Payload payload, @Nullable String since, @Nullable String token) {
		String t = FrameLimits.require(type, "t", FrameLimits.MAX_EVENT_LENGTH);
		return switch (t) {
			case "ping" -> ClientFrame.Ping.INSTANCE;
			case "ack" -> new ClientFrame.Ack(FrameLimits.require(id, "id", FrameLimits.MAX_ID_LENGTH));
			case "msg" -> new ClientFrame.Message(FrameLimits.require(id, "id", FrameLimits.MAX_ID_LENGTH),
					FrameLimits.require(event, "ev", FrameLimits.MAX_EVENT_LENGTH),
					FrameLimits.optional(guid, "g", FrameLimits.MAX_GUID_LENGTH),
					(payload != null) ? payload : Payload.EMPTY);
			case "join" -> new ClientFrame.Join(FrameLimits.require(id, "id", FrameLimits.MAX_ID_LENGTH),
					FrameLimits.require(guid, "g", FrameLimits.MAX_GUID_LENGTH),
					FrameLimits.optional(position(since), "since", FrameLimits.MAX_ID_LENGTH));
			case "leave" -> new ClientFrame.Leave(FrameLimits.require(id, "id", FrameLimits.MAX_ID_LENGTH),
					FrameLimits.require(guid, "g", FrameLimits.MAX_GUID_LENGTH));
			case "refresh" -> new ClientFrame.Refresh(FrameLimits.require(id, "id", FrameLimits.MAX_ID_LENGTH),
					FrameLimits.require(token, "token", FrameLimits.MAX_TOKEN_LENGTH));
			default -> new ClientFrame.Unknown(t, FrameLimits.optional(id, "id", FrameLimits.MAX_ID_LENGTH));
		};
	}

}
