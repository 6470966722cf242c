package io.pushgateway.transport.polling;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;

/**
 * The body of a long-polling {@link io.pushgateway.spi.ClusterMessage.Relay relay}: a
 * request for a session another node holds, or that node's answer to a poll. The bus
 * carries it as opaque bytes; only the long-polling transport reads it. Encoded as one
 * MessagePack array whose first element tells which.
 *
 * @author Push Gateway team
 */
public sealed interface RelayedPolling {

	/** The relay channel of the long-polling transport. */
	String CHANNEL = "polling";

	/**
	 * The bytes of this message.
	 * @return the body of a relay
	 */
	byte[] encode();

	/**
	 * Read a relay's body.
	 * @param body the body
	 * @return the message
	 * @throws IllegalArgumentException when the body is not a long-polling message
	 */
	static RelayedPolling decode(byte[] body) {
		try (MessageUnpacker in = MessagePack.newDefaultUnpacker(body)) {
			int size = in.unpackArrayHeader();
			int kind = in.unpackInt();
			if (kind == Request.KIND && size == 7) {
				long socketId = in.unpackLong();
				String secret = in.unpackString();
				Op op = Op.values()[in.unpackInt()];
				long ack = in.unpackLong();
				long requestId = in.unpackLong();
				return new Request(socketId, secret, op, ack, requestId, in.readPayload(in.unpackBinaryHeader()));
			}
			if (kind == Answer.KIND && size == 7) {
				long requestId = in.unpackLong();
				int status = in.unpackInt();
				long seq = in.unpackLong();
				int closeCode = in.unpackInt();
				String closeReason = in.unpackString();
				return new Answer(requestId, status, seq, closeCode, closeReason,
						in.readPayload(in.unpackBinaryHeader()));
			}
			throw new IllegalArgumentException("not a long-polling relay (kind " + kind + ", " + size + " elements)");
		}
		catch (IOException | MessagePackException | ArrayIndexOutOfBoundsException ex) {
			throw new IllegalArgumentException("not a long-polling relay: " + ex.getMessage(), ex);
		}
	}

	/**
	 * What a relayed request asks for.
	 */
	enum Op {

		/** Wait for frames. */
		POLL,

		/** Deliver a client frame. */
		SEND,

		/** End the session. */
		CLOSE

	}

	/**
	 * A request that reached a node other than the one holding the session; that node
	 * checks the secret and acts as if the request had reached it directly.
	 *
	 * @param socketId the session's socket ID
	 * @param secret the session's secret, as the client presented it
	 * @param op what the client asked for
	 * @param ack the last batch sequence the client received (polls only)
	 * @param requestId identifies the waiting request on the relaying node (polls only)
	 * @param frame the client frame (sends only), otherwise empty
	 */
	record Request(long socketId, String secret, Op op, long ack, long requestId,
			byte[] frame) implements RelayedPolling {

		static final int KIND = 1;

		@Override
		public byte[] encode() {
			try (MessageBufferPacker out = MessagePack.newDefaultBufferPacker()) {
				out.packArrayHeader(7)
					.packInt(KIND)
					.packLong(this.socketId)
					.packString(this.secret)
					.packInt(this.op.ordinal())
					.packLong(this.ack)
					.packLong(this.requestId)
					.packBinaryHeader(this.frame.length)
					.writePayload(this.frame);
				return out.toByteArray();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Request that && this.socketId == that.socketId && this.secret.equals(that.secret)
					&& this.op == that.op && this.ack == that.ack && this.requestId == that.requestId
					&& Arrays.equals(this.frame, that.frame);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.socketId, this.op, this.requestId);
		}

		@Override
		public String toString() {
			return "Request[socketId=" + this.socketId + ", op=" + this.op + ", ack=" + this.ack + ", requestId="
					+ this.requestId + ", frame=" + this.frame.length + " bytes]";
		}

	}

	/**
	 * The answer to a relayed poll, sent back to the node that holds the HTTP request.
	 *
	 * @param requestId the request it answers
	 * @param status the HTTP status for the client
	 * @param seq the batch sequence number
	 * @param closeCode the session's close code when it closed, otherwise {@code 0}
	 * @param closeReason the close reason, or empty
	 * @param body the batch of frames
	 */
	record Answer(long requestId, int status, long seq, int closeCode, String closeReason,
			byte[] body) implements RelayedPolling {

		static final int KIND = 2;

		@Override
		public byte[] encode() {
			try (MessageBufferPacker out = MessagePack.newDefaultBufferPacker()) {
				out.packArrayHeader(7)
					.packInt(KIND)
					.packLong(this.requestId)
					.packInt(this.status)
					.packLong(this.seq)
					.packInt(this.closeCode)
					.packString(this.closeReason)
					.packBinaryHeader(this.body.length)
					.writePayload(this.body);
				return out.toByteArray();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Answer that && this.requestId == that.requestId && this.status == that.status
					&& this.seq == that.seq && this.closeCode == that.closeCode
					&& this.closeReason.equals(that.closeReason) && Arrays.equals(this.body, that.body);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.requestId, this.status, this.seq);
		}

		@Override
		public String toString() {
			return "Answer[requestId=" + this.requestId + ", status=" + this.status + ", seq=" + this.seq
					+ ", closeCode=" + this.closeCode + ", body=" + this.body.length + " bytes]";
		}

	}

}
