package io.pushgateway.spi;

import java.util.Set;

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

}
