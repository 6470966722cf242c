package io.pushgateway.codec;

import io.pushgateway.core.Payload;
import org.jspecify.annotations.Nullable;

/**
 * A frame a client sends, decoded by a {@link FrameCodec}. See {@code docs/protocol.md}.
 *
 * @author Push Gateway team
 */
public sealed interface ClientFrame {

	/**
	 * An application-level heartbeat.
	 */
	enum Ping implements ClientFrame {

		/** The only instance. */
		INSTANCE

	}

	/**
	 * Acknowledges a push.
	 *
	 * @param id the push's message ID
	 */
	record Ack(String id) implements ClientFrame {
	}

	/**
	 * An upstream message for the application.
	 *
	 * @param id the client-chosen ID a reply is correlated by
	 * @param event the event name
	 * @param guid the GUID the message is about, or {@code null}
	 * @param payload the payload, untouched
	 */
	record Message(String id, String event, @Nullable String guid, Payload payload) implements ClientFrame {
	}

	/**
	 * Asks to attach the connection to a GUID.
	 *
	 * @param id the client-chosen ID of the request
	 * @param guid the GUID
	 * @param since the last position of the GUID's stream the client has, to recover what
	 * it missed, or {@code null}
	 */
	record Join(String id, String guid, @Nullable String since) implements ClientFrame {

		public Join(String id, String guid) {
			this(id, guid, null);
		}

	}

	/**
	 * Detaches the connection from a GUID.
	 *
	 * @param id the client-chosen ID of the request
	 * @param guid the GUID
	 */
	record Leave(String id, String guid) implements ClientFrame {
	}

	/**
	 * A fresh credential for the connection, sent when the server asked for one
	 * ({@link ServerFrame.Refresh}) or at any time before the current one expires.
	 *
	 * @param id the client-chosen ID of the request
	 * @param token the fresh token
	 */
	record Refresh(String id, String token) implements ClientFrame {
	}

	/**
	 * A well-formed frame of a type this server does not know.
	 *
	 * @param type the type
	 * @param id the frame's ID, or {@code null}
	 */
	record Unknown(String type, @Nullable String id) implements ClientFrame {
	}

}
