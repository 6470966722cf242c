package io.pushgateway.codec;

import java.util.Collection;

import io.pushgateway.core.Payload;
import org.jspecify.annotations.Nullable;

/**
 * A control frame the server sends (pushes are encoded straight from
 * {@link io.pushgateway.core.Push}). See {@code docs/protocol.md}.
 *
 * @author Push Gateway team
 */
public sealed interface ServerFrame {

	/**
	 * The protocol name of a control frame's type, as in {@code docs/protocol.md}.
	 * @param frame the frame
	 * @return the type
	 */
	static String typeOf(ServerFrame frame) {
		if (frame instanceof ServerFrame.Welcome) {
			return "welcome";
		}
		if (frame instanceof ServerFrame.Reply) {
			return "reply";
		}
		if (frame instanceof ServerFrame.Joined) {
			return "joined";
		}
		if (frame instanceof ServerFrame.Left) {
			return "left";
		}
		if (frame instanceof ServerFrame.Pong) {
			return "pong";
		}
		if (frame instanceof ServerFrame.Recovered) {
			return "recovered";
		}
		if (frame instanceof ServerFrame.Dropped) {
			return "dropped";
		}
		if (frame instanceof ServerFrame.Heartbeat) {
			return "hb";
		}
		if (frame instanceof ServerFrame.Refresh) {
			return "refresh";
		}
		if (frame instanceof ServerFrame.Refreshed) {
			return "refreshed";
		}
		return "error";
	}

	/**
	 * The first frame on every connection.
	 *
	 * @param socketId the connection's socket ID
	 * @param uid the authenticated user
	 * @param node the node's ID
	 * @param heartbeatMillis how often the client must send a ping
	 * @param guids the GUIDs the connection is attached to
	 * @param session the handle a Server-Sent Events client posts its frames with, or
	 * {@code null} on other transports
	 */
	record Welcome(long socketId, String uid, String node, long heartbeatMillis, Collection<String> guids,
			@Nullable String session) implements ServerFrame {

		public Welcome(long socketId, String uid, String node, long heartbeatMillis, Collection<String> guids) {
			this(socketId, uid, node, heartbeatMillis, guids, null);
		}

	}

	/**
	 * The answer to an upstream message.
	 *
	 * @param id the upstream message's ID
	 * @param payload the reply payload
	 */
	record Reply(String id, Payload payload) implements ServerFrame {
	}

	/**
	 * Confirms a join.
	 *
	 * @param id the join frame's ID
	 * @param guid the GUID
	 */
	record Joined(String id, String guid) implements ServerFrame {
	}

	/**
	 * Confirms a leave.
	 *
	 * @param id the leave frame's ID
	 * @param guid the GUID
	 */
	record Left(String id, String guid) implements ServerFrame {
	}

	/**
	 * Ends the recovery of a stream: what was missed has been sent (or could not be).
	 *
	 * @param guid the GUID of the stream, or {@code null} for the user's stream
	 * @param ok whether everything missed was sent; {@code false} means some of it is no
	 * longer kept and the client must resynchronize
	 * @param count how many pushes were replayed
	 * @param last the stream's last position, or {@code null} when it has none
	 */
	record Recovered(@Nullable String guid, boolean ok, int count, @Nullable String last) implements ServerFrame {
	}

	/**
	 * Tells a connection that caught up after reading too slowly how many pushes it
	 * missed because their slow-consumer policy dropped them.
	 *
	 * @param count how many pushes were dropped since the last such frame
	 */
	record Dropped(long count) implements ServerFrame {
	}

	/**
	 * A new heartbeat interval for this connection (dynamic heartbeat): the client pings
	 * at this interval from now on.
	 *
	 * @param millis the interval in milliseconds
	 */
	record Heartbeat(long millis) implements ServerFrame {
	}

	/**
	 * The server asks for a fresh credential: the connection's expires within
	 * {@code millis}, and the connection is closed with {@code 4004} then unless a
	 * {@link ClientFrame.Refresh} replaced it.
	 *
	 * @param millis how long the current credential has left, in milliseconds
	 */
	record Refresh(long millis) implements ServerFrame {
	}

	/**
	 * A {@link ClientFrame.Refresh} was accepted: the connection lives on under the fresh
	 * credential.
	 *
	 * @param id the ID of the refresh it answers
	 * @param expiresAt when the fresh credential expires, in milliseconds since the
	 * epoch, or {@code null} when it does not
	 */
	record Refreshed(String id, @Nullable Long expiresAt) implements ServerFrame {
	}

	/**
	 * The answer to a ping.
	 */
	enum Pong implements ServerFrame {

		/** The only instance. */
		INSTANCE

	}

	/**
	 * An error that does not close the connection (close codes are separate).
	 *
	 * @param id the ID of the client frame it answers, or {@code null}
	 * @param code the error code
	 * @param message a human-readable explanation
	 */
	record Error(@Nullable String id, int code, String message) implements ServerFrame {
	}

}
