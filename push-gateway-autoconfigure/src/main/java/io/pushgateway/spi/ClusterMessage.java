package io.pushgateway.spi;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
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
	 * @param headers propagation headers (trace context) a bus carries along, opaque to
	 * it; empty without observations
	 */
	record Deliver(Push push, @Nullable String origin, Map<String, String> headers) implements ClusterMessage {

		/**
		 * A push to deliver, published by this node.
		 * @param push the push
		 */
		public Deliver(Push push) {
			this(push, null, Map.of());
		}

		/**
		 * A push to deliver, received from a node.
		 * @param push the push
		 * @param origin the node that issued it
		 */
		public Deliver(Push push, @Nullable String origin) {
			this(push, origin, Map.of());
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
	 * Close the connections of a target wherever they live: the oldest connection of a
	 * user who exceeded the cluster-wide connection limit, or whatever an application
	 * disconnects.
	 *
	 * @param target whose connections to close
	 * @param code the close code
	 * @param reason the close reason
	 * @param tokenId close only the connections opened with the credential of this ID (a
	 * revoked token), or {@code null}
	 * @param issuedBefore close only the connections whose credential was issued before
	 * this, or says nothing of when (a revocation of a user's credentials), or
	 * {@code null}
	 */
	record Disconnect(PushTarget target, int code, String reason, @Nullable String tokenId,
			@Nullable Instant issuedBefore) implements ClusterMessage {

		/**
		 * Close every connection of a target.
		 * @param target whose connections to close
		 * @param code the close code
		 * @param reason the close reason
		 */
		public Disconnect(PushTarget target, int code, String reason) {
			this(target, code, reason, null, null);
		}

		/**
		 * Whether a connection's credential is one this disconnect closes.
		 * @param principal the connection's principal
		 * @return {@code true} when it matches every filter given
		 */
		public boolean closes(PushPrincipal principal) {
			if (this.tokenId != null && !this.tokenId.equals(principal.tokenId())) {
				return false;
			}
			Instant issuedAt = principal.issuedAt();
			return this.issuedBefore == null || issuedAt == null || issuedAt.isBefore(this.issuedBefore);
		}

	}

	/**
	 * An opaque message from one node's transport to the same transport on another node,
	 * for example a long-polling request that reached a node other than the one holding
	 * its session. A bus carries it to {@code node} without reading {@code body}; the
	 * receiving node hands it to the transport registered for {@code channel}.
	 *
	 * @param node the node it is addressed to
	 * @param channel the transport that sent it and receives it, for example
	 * {@code polling}
	 * @param key orders relays: those with the same key arrive in the order published (on
	 * a bus that orders, as Kafka does per partition)
	 * @param body what the transport sent, opaque to the bus
	 * @param origin the node that published it; {@code null} when publishing, set by the
	 * bus on receipt
	 */
	record Relay(String node, String channel, String key, byte[] body,
			@Nullable String origin) implements ClusterMessage {

		/**
		 * A relay to publish.
		 * @param node the node it is addressed to
		 * @param channel the transport that sends and receives it
		 * @param key orders relays with the same key
		 * @param body the opaque body
		 */
		public Relay(String node, String channel, String key, byte[] body) {
			this(node, channel, key, body, null);
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Relay that && this.node.equals(that.node) && this.channel.equals(that.channel)
					&& this.key.equals(that.key) && Arrays.equals(this.body, that.body);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.node, this.channel, this.key);
		}

		@Override
		public String toString() {
			return "Relay[node=" + this.node + ", channel=" + this.channel + ", key=" + this.key + ", origin="
					+ this.origin + ", body=" + this.body.length + " bytes]";
		}

	}

}
