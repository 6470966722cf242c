package io.pushgateway.spi;

import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import org.jspecify.annotations.Nullable;

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
	 * @param origin the node that issued it, when it came over the bus
	 */
	record Deliver(Push push, @Nullable String origin) implements ClusterMessage {

		/**
		 * A push to deliver, published by this node.
		 * @param push the push
		 */
		public Deliver(Push push) {
			this(push, null);
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Deliver that && this.push.equals(that.push);
		}

		@Override
		public int hashCode() {
			return this.push.hashCode();
		}

	}

	/**
	 * A client acknowledged a push; sent to the node that issued it.
	 *
	 * @param messageId the push's message ID
	 * @param socketId the socket that acknowledged it
	 */
	record Acked(long messageId, long socketId) implements ClusterMessage {
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
