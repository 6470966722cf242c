package io.pushgateway.spi;

import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;

/**
 * What nodes tell each other over the {@link ClusterBus}.
 *
 * @author Push Gateway team
 */
public sealed interface ClusterMessage {

	/**
	 * Deliver a push to the receiving node's connections.
	 *
	 * @param push the push
	 */
	record Deliver(Push push) implements ClusterMessage {
	}

	/**
	 * Answer a client's upstream message on whichever node holds its socket.
	 *
	 * @param socketId the socket that sent the message
	 * @param messageId the client's message ID
	 * @param payload the reply
	 */
	record Reply(long socketId, String messageId, Payload payload) implements ClusterMessage {
	}

	/**
	 * Close a connection wherever it lives, for example the oldest connection of a user
	 * who exceeded the cluster-wide connection limit.
	 *
	 * @param socketId the socket to close
	 * @param code the close code
	 * @param reason the close reason
	 */
	record Disconnect(long socketId, int code, String reason) implements ClusterMessage {
	}

}
