package io.pushgateway.spi;

import java.net.InetAddress;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link SessionRegistry} is told about a connection.
 *
 * @author Push Gateway team
 */
public interface Session {

	/**
	 * The socket ID, which also encodes when the connection opened.
	 * @return the socket ID
	 */
	long socketId();

	/**
	 * The user ID.
	 * @return the user ID
	 */
	String uid();

	/**
	 * The GUIDs the connection is attached to.
	 * @return the GUIDs
	 */
	Set<String> guids();

	/**
	 * When the client was last seen.
	 * @return epoch milliseconds
	 */
	long lastSeen();

	/**
	 * The transport, for operators.
	 * @return {@code websocket}, {@code sse}, {@code polling} or {@code socketio}
	 */
	default String transport() {
		return "websocket";
	}

	/**
	 * The frame protocol, for operators.
	 * @return the protocol's name, or empty when unknown
	 */
	default String protocol() {
		return "";
	}

	/**
	 * The client's address, as the transport saw it.
	 * @return the address, or {@code null} when unknown
	 */
	default @Nullable InetAddress remoteAddress() {
		return null;
	}

}
