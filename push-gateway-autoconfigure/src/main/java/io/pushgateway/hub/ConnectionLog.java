package io.pushgateway.hub;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Logs connection events under the {@code io.pushgateway.connections} category, each with
 * the socket ID, user ID and node in the MDC ({@code socketId}, {@code uid},
 * {@code node}), so that structured (JSON) logs carry them as fields and one connection
 * can be followed across nodes and, through the {@code X-Socket-Id} and {@code X-Node}
 * headers, into the upstream topic. Openings and ordinary closes are logged at DEBUG;
 * closes the server decided because of the client (malformed frames, limits, slow
 * reading) at INFO. It is handed the values it logs, and knows no connection.
 *
 * @author Push Gateway team
 */
public final class ConnectionLog {

	private static final Logger logger = LoggerFactory.getLogger("io.pushgateway.connections");

	private ConnectionLog() {
	}

	/**
	 * A connection was registered.
	 * @param socketId its socket ID
	 * @param uid its user ID
	 * @param node this node
	 * @param transport its transport
	 * @param subprotocol its codec's subprotocol
	 * @param guids how many GUIDs it is attached to
	 */
	static void opened(long socketId, String uid, String node, String transport, String subprotocol, int guids) {
		if (logger.isDebugEnabled()) {
			log(socketId, uid, node, false,
					"Connection opened (" + transport + ", " + subprotocol + ", " + guids + " GUIDs)");
		}
	}

	/**
	 * A connection was unregistered.
	 * @param socketId its socket ID
	 * @param uid its user ID
	 * @param node this node
	 * @param close how the server closed it, or {@code null} when the client did
	 */
	static void closed(long socketId, String uid, String node, @Nullable ServerClose close) {
		if (logger.isDebugEnabled()) {
			log(socketId, uid, node, false,
					(close != null) ? "Connection closed by the server: " + close.code() + " " + close.reason()
							: "Connection closed by the client or the network");
		}
	}

	/**
	 * The server closes a connection.
	 * @param socketId its socket ID
	 * @param uid its user ID
	 * @param node this node
	 * @param code the close code
	 * @param reason the reason
	 */
	static void closing(long socketId, String uid, String node, int code, String reason) {
		boolean clientsFault = code == CloseCodes.MALFORMED_FRAME || code == CloseCodes.SLOW_CONSUMER
				|| code == CloseCodes.MESSAGE_TOO_BIG || code == CloseCodes.UNSUPPORTED_DATA
				|| code == CloseCodes.INVALID_PAYLOAD || code == CloseCodes.PROTOCOL_ERROR
				|| code == CloseCodes.RATE_LIMITED || code == CloseCodes.TOKEN_EXPIRED;
		if (clientsFault ? logger.isInfoEnabled() : logger.isDebugEnabled()) {
			log(socketId, uid, node, clientsFault, "Closing connection: " + code + " " + reason);
		}
	}

	private static void log(long socketId, String uid, String node, boolean info, String message) {
		// the MDC is per thread and event loops are shared: set it around this one event
		String socket = Long.toString(socketId);
		MDC.put("socketId", socket);
		MDC.put("uid", uid);
		MDC.put("node", node);
		try {
			String text = message + " [socket " + socket + ", uid " + uid + ", node " + node + "]";
			if (info) {
				logger.info(text);
			}
			else {
				logger.debug(text);
			}
		}
		finally {
			MDC.remove("socketId");
			MDC.remove("uid");
			MDC.remove("node");
		}
	}

}
