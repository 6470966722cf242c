package io.pushgateway.hub;

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
 * reading) at INFO.
 *
 * @author Push Gateway team
 */
public final class ConnectionLog {

	private static final Logger logger = LoggerFactory.getLogger("io.pushgateway.connections");

	private ConnectionLog() {
	}

	static void opened(PushConnection connection, String node) {
		if (logger.isDebugEnabled()) {
			log(connection, node, false, "Connection opened (" + connection.transport() + ", "
					+ connection.codec().subprotocol() + ", " + connection.guids().size() + " GUIDs)");
		}
	}

	static void closed(PushConnection connection, String node) {
		if (logger.isDebugEnabled()) {
			int code = connection.serverCloseCode();
			log(connection, node, false,
					(code != 0) ? "Connection closed by the server: " + code + " " + connection.serverCloseReason()
							: "Connection closed by the client or the network");
		}
	}

	/**
	 * The server closes a connection.
	 * @param connection the connection
	 * @param node this node
	 * @param code the close code
	 * @param reason the reason
	 */
	static void closing(PushConnection connection, String node, int code, String reason) {
		boolean clientsFault = code == CloseCodes.MALFORMED_FRAME || code == CloseCodes.SLOW_CONSUMER
				|| code == CloseCodes.MESSAGE_TOO_BIG || code == CloseCodes.UNSUPPORTED_DATA
				|| code == CloseCodes.INVALID_PAYLOAD || code == CloseCodes.PROTOCOL_ERROR
				|| code == CloseCodes.RATE_LIMITED || code == CloseCodes.TOKEN_EXPIRED;
		if (clientsFault ? logger.isInfoEnabled() : logger.isDebugEnabled()) {
			log(connection, node, clientsFault, "Closing connection: " + code + " " + reason);
		}
	}

	private static void log(PushConnection connection, String node, boolean info, String message) {
		// the MDC is per thread and event loops are shared: set it around this one event
		MDC.put("socketId", Long.toString(connection.socketId()));
		MDC.put("uid", connection.uid());
		MDC.put("node", node);
		try {
			String text = message + " [socket " + connection.socketId() + ", uid " + connection.uid() + ", node " + node
					+ "]";
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
