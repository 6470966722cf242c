package io.pushgateway.hub;

import java.util.ArrayList;
import java.util.List;

import io.pushgateway.core.PushTarget;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.ClusterMessage;

/**
 * Closes the connections a target reaches on this node, for a disconnect issued here
 * ({@link PushTemplate}) or carried over from another node ({@link NodeLifecycle}).
 *
 * @author Push Gateway team
 */
final class LocalDisconnects {

	private LocalDisconnects() {
	}

	/**
	 * Close the target's connections on this node.
	 * @param hub this node's connections
	 * @param metrics counts the closes
	 * @param target whose connections
	 * @param code the close code
	 * @param reason the close reason
	 * @return how many were open
	 */
	static int close(LocalHub hub, GatewayMetrics metrics, PushTarget target, int code, String reason) {
		return close(hub, metrics, new ClusterMessage.Disconnect(target, code, reason));
	}

	/**
	 * Close the connections a disconnect names on this node: the target's, or those of
	 * them whose credential it revokes.
	 * @param hub this node's connections
	 * @param metrics counts the closes
	 * @param disconnect the disconnect
	 * @return how many were open
	 */
	static int close(LocalHub hub, GatewayMetrics metrics, ClusterMessage.Disconnect disconnect) {
		int code = disconnect.code();
		String reason = disconnect.reason();
		// collected first: a close takes the connection out of the hub's maps
		List<PushConnection> reached = new ArrayList<>();
		hub.forEach(disconnect.target(), reached::add);
		int closed = 0;
		for (PushConnection connection : reached) {
			if (connection.isOpen() && disconnect.closes(connection.principal())) {
				metrics.closed((code == CloseCodes.REPLACED) ? CloseReason.REPLACED : CloseReason.DISCONNECTED);
				connection.close(code, reason);
				closed++;
			}
		}
		return closed;
	}

}
