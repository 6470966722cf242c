package io.pushgateway.spi;

import java.util.Arrays;
import java.util.Objects;

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

	/**
	 * A long-polling request that reached a node other than the one holding the session;
	 * sent to the session's node, which checks the secret and acts as if the request had
	 * reached it directly.
	 *
	 * @param node the node holding the session
	 * @param socketId the session's socket ID
	 * @param secret the session's secret, as the client presented it
	 * @param op what the client asked for
	 * @param ack the last batch sequence the client received (polls only)
	 * @param requestId identifies the waiting request on the relaying node (polls only)
	 * @param origin the relaying node, which receives the {@link PollAnswer}; set on
	 * receipt
	 * @param body the client frame (sends only), otherwise empty
	 */
	record PollRelay(String node, long socketId, String secret, PollOp op, long ack, long requestId,
			@Nullable String origin, byte[] body) implements ClusterMessage {

		@Override
		public boolean equals(Object other) {
			return other instanceof PollRelay that && this.node.equals(that.node) && this.socketId == that.socketId
					&& this.secret.equals(that.secret) && this.op == that.op && this.ack == that.ack
					&& this.requestId == that.requestId && Arrays.equals(this.body, that.body);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.node, this.socketId, this.op, this.requestId);
		}

		@Override
		public String toString() {
			return "PollRelay[node=" + this.node + ", socketId=" + this.socketId + ", op=" + this.op + ", ack="
					+ this.ack + ", requestId=" + this.requestId + ", origin=" + this.origin + ", body="
					+ this.body.length + " bytes]";
		}

	}

	/**
	 * What a relayed long-polling request asks for.
	 */
	enum PollOp {

		/** Wait for frames. */
		POLL,

		/** Deliver a client frame. */
		SEND,

		/** End the session. */
		CLOSE

	}

	/**
	 * The answer to a relayed poll, sent back to the node that holds the HTTP request.
	 *
	 * @param node the node that relayed the poll
	 * @param requestId the request it answers
	 * @param status the HTTP status for the client
	 * @param seq the batch sequence number
	 * @param closeCode the session's close code when it closed, otherwise {@code 0}
	 * @param closeReason the close reason, or empty
	 * @param body the batch of frames
	 */
	record PollAnswer(String node, long requestId, int status, long seq, int closeCode, String closeReason,
			byte[] body) implements ClusterMessage {

		@Override
		public boolean equals(Object other) {
			return other instanceof PollAnswer that && this.node.equals(that.node) && this.requestId == that.requestId
					&& this.status == that.status && this.seq == that.seq && this.closeCode == that.closeCode
					&& this.closeReason.equals(that.closeReason) && Arrays.equals(this.body, that.body);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.node, this.requestId, this.status, this.seq);
		}

		@Override
		public String toString() {
			return "PollAnswer[node=" + this.node + ", requestId=" + this.requestId + ", status=" + this.status
					+ ", seq=" + this.seq + ", closeCode=" + this.closeCode + ", body=" + this.body.length + " bytes]";
		}

	}

}
