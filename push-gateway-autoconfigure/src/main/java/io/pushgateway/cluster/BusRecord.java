package io.pushgateway.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.ClusterMessage;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;

/**
 * A {@link ClusterMessage} as it travels between nodes: a key for per-target ordering,
 * the routing in headers, and the payload bytes untouched as the value, so a node routes
 * without decoding payloads and a service in any language can produce the same records.
 * The header names are documented in {@code docs/cluster.md}.
 *
 * @param key the partitioning key: one target always maps to the same key
 * @param headers the headers, in order; a name may repeat ({@code X-Uid} for several
 * users)
 * @param value the payload bytes, or the close reason of a disconnect
 * @author Push Gateway team
 */
public record BusRecord(String key, List<Header> headers, byte[] value) {

	/** The message ID, a decimal Snowflake ID. */
	public static final String ID = "X-ID";

	/**
	 * The node that published the record; absent on records produced outside the gateway.
	 */
	public static final String NODE = "X-Node";

	/**
	 * {@code push} (the default when absent), {@code reply}, {@code ack},
	 * {@code disconnect}, {@code poll} or {@code poll-answer}.
	 */
	public static final String TYPE = "X-Type";

	/** {@code user}, {@code users}, {@code guid}, {@code socket} or {@code all}. */
	public static final String TARGET = "X-Target";

	/** A target user; repeated for a push to several users. */
	public static final String UID = "X-Uid";

	/** The target GUID. */
	public static final String GUID = "X-Guid";

	/** The target socket ID, decimal. */
	public static final String SOCKET_ID = "X-Socket-Id";

	/** The event name. */
	public static final String EVENT = "X-Event";

	/** {@code json} (the default when absent), {@code text} or {@code binary}. */
	public static final String FORMAT = "X-Format";

	/** The client message ID a reply answers. */
	public static final String REPLY_TO = "X-Reply-To";

	/** {@code 1} when clients are asked to acknowledge the push. */
	public static final String ACK = "X-Ack";

	/** The position of a recoverable push in its target's stream. */
	public static final String POSITION = "X-Position";

	/** The close code of a disconnect. */
	public static final String CLOSE_CODE = "X-Close-Code";

	/** The node a record is meant for (long-polling relays and answers). */
	public static final String TO = "X-To";

	/** What a relayed long-polling request asks for: poll, send or close. */
	public static final String POLL_OP = "X-Poll-Op";

	/** A long-polling session's secret. */
	public static final String POLL_SECRET = "X-Poll-Secret";

	/** The last batch sequence a long-polling client received, or the one answered. */
	public static final String POLL_SEQ = "X-Poll-Seq";

	/** Identifies a waiting long-polling request on the relaying node. */
	public static final String POLL_REQUEST = "X-Poll-Request";

	/** The HTTP status of a long-polling answer. */
	public static final String POLL_STATUS = "X-Poll-Status";

	/** The close reason of a closed long-polling session. */
	public static final String CLOSE_REASON = "X-Close-Reason";

	/**
	 * One header.
	 *
	 * @param name the name
	 * @param value the UTF-8 value
	 */
	public record Header(String name, byte[] value) {

		public String text() {
			return new String(this.value, StandardCharsets.UTF_8);
		}

	}

	/**
	 * The first value of a header.
	 * @param name the header name
	 * @return the value, or {@code null}
	 */
	public @Nullable String header(String name) {
		for (Header header : this.headers) {
			if (header.name().equals(name)) {
				return header.text();
			}
		}
		return null;
	}

	/**
	 * Every value of a header.
	 * @param name the header name
	 * @return the values
	 */
	public List<String> headers(String name) {
		List<String> values = new ArrayList<>(1);
		for (Header header : this.headers) {
			if (header.name().equals(name)) {
				values.add(header.text());
			}
		}
		return values;
	}

	/**
	 * Map a message to a record.
	 * @param message the message
	 * @param node the publishing node
	 * @return the record
	 */
	public static BusRecord of(ClusterMessage message, String node) {
		List<Header> headers = new ArrayList<>(8);
		if (message instanceof ClusterMessage.PollRelay relay) {
			add(headers, NODE, node);
			add(headers, TYPE, "poll");
			add(headers, TO, relay.node());
			add(headers, POLL_OP, relay.op().name().toLowerCase(java.util.Locale.ROOT));
			add(headers, SOCKET_ID, Long.toString(relay.socketId()));
			add(headers, POLL_SECRET, relay.secret());
			add(headers, POLL_SEQ, Long.toString(relay.ack()));
			add(headers, POLL_REQUEST, Long.toString(relay.requestId()));
			return new BusRecord("socket:" + relay.socketId(), headers, relay.body());
		}
		if (message instanceof ClusterMessage.PollAnswer answer) {
			add(headers, NODE, node);
			add(headers, TYPE, "poll-answer");
			add(headers, TO, answer.node());
			add(headers, POLL_REQUEST, Long.toString(answer.requestId()));
			add(headers, POLL_STATUS, Integer.toString(answer.status()));
			add(headers, POLL_SEQ, Long.toString(answer.seq()));
			add(headers, CLOSE_CODE, Integer.toString(answer.closeCode()));
			add(headers, CLOSE_REASON, answer.closeReason());
			return new BusRecord("poll:" + answer.requestId(), headers, answer.body());
		}
		if (message instanceof ClusterMessage.Disconnect disconnect) {
			add(headers, NODE, node);
			add(headers, TYPE, "disconnect");
			add(headers, SOCKET_ID, Long.toString(disconnect.socketId()));
			add(headers, CLOSE_CODE, Integer.toString(disconnect.code()));
			return new BusRecord("socket:" + disconnect.socketId(), headers,
					disconnect.reason().getBytes(StandardCharsets.UTF_8));
		}
		if (message instanceof ClusterMessage.Acked acked) {
			add(headers, NODE, node);
			add(headers, TYPE, "ack");
			add(headers, ID, Long.toString(acked.messageId()));
			add(headers, SOCKET_ID, Long.toString(acked.socketId()));
			return new BusRecord("ack:" + acked.messageId(), headers, new byte[0]);
		}
		if (message instanceof ClusterMessage.Reply reply) {
			add(headers, NODE, node);
			add(headers, TYPE, "reply");
			add(headers, SOCKET_ID, Long.toString(reply.socketId()));
			add(headers, REPLY_TO, reply.messageId());
			add(headers, FORMAT, reply.payload().format().name().toLowerCase(java.util.Locale.ROOT));
			return new BusRecord("socket:" + reply.socketId(), headers, reply.payload().bytes());
		}
		Push push = ((ClusterMessage.Deliver) message).push();
		add(headers, ID, Long.toString(push.messageId()));
		add(headers, NODE, node);
		add(headers, EVENT, push.event());
		add(headers, FORMAT, push.payload().format().name().toLowerCase(java.util.Locale.ROOT));
		if (push.ack()) {
			add(headers, ACK, "1");
		}
		if (push.position() != null) {
			add(headers, POSITION, push.position());
		}
		String key;
		if (push.target() instanceof PushTarget.User user) {
			add(headers, TARGET, "user");
			add(headers, UID, user.uid());
			key = "user:" + user.uid();
		}
		else if (push.target() instanceof PushTarget.Users users) {
			add(headers, TARGET, "users");
			users.uids().forEach((uid) -> add(headers, UID, uid));
			key = "users:" + users.uids().hashCode();
		}
		else if (push.target() instanceof PushTarget.Guid guid) {
			add(headers, TARGET, "guid");
			add(headers, GUID, guid.guid());
			key = "guid:" + guid.guid();
		}
		else if (push.target() instanceof PushTarget.Socket socket) {
			add(headers, TARGET, "socket");
			add(headers, SOCKET_ID, Long.toString(socket.socketId()));
			key = "socket:" + socket.socketId();
		}
		else {
			add(headers, TARGET, "all");
			key = "all";
		}
		return new BusRecord(key, headers, push.payload().bytes());
	}

	/**
	 * Map this record back to a message.
	 * @param fallbackId a message ID for records produced without {@code X-ID}
	 * @return the message
	 * @throws IllegalArgumentException when the record's headers are incomplete or
	 * invalid
	 */
	public ClusterMessage toMessage(long fallbackId) {
		if ("poll".equals(header(TYPE))) {
			return new ClusterMessage.PollRelay(required(TO), Long.parseLong(required(SOCKET_ID)),
					required(POLL_SECRET),
					ClusterMessage.PollOp.valueOf(required(POLL_OP).toUpperCase(java.util.Locale.ROOT)),
					Long.parseLong(required(POLL_SEQ)), Long.parseLong(required(POLL_REQUEST)), required(NODE),
					this.value);
		}
		if ("poll-answer".equals(header(TYPE))) {
			String reason = header(CLOSE_REASON);
			return new ClusterMessage.PollAnswer(required(TO), Long.parseLong(required(POLL_REQUEST)),
					Integer.parseInt(required(POLL_STATUS)), Long.parseLong(required(POLL_SEQ)),
					Integer.parseInt(required(CLOSE_CODE)), (reason != null) ? reason : "", this.value);
		}
		if ("disconnect".equals(header(TYPE))) {
			return new ClusterMessage.Disconnect(Long.parseLong(required(SOCKET_ID)),
					Integer.parseInt(required(CLOSE_CODE)), new String(this.value, StandardCharsets.UTF_8));
		}
		if ("ack".equals(header(TYPE))) {
			return new ClusterMessage.Acked(Long.parseLong(required(ID)), Long.parseLong(required(SOCKET_ID)));
		}
		if ("reply".equals(header(TYPE))) {
			return new ClusterMessage.Reply(Long.parseLong(required(SOCKET_ID)), required(REPLY_TO),
					new Payload(this.value, format()));
		}
		String target = required(TARGET);
		PushTarget pushTarget = switch (target) {
			case "user" -> PushTarget.user(required(UID));
			case "users" -> PushTarget.users(headers(UID));
			case "guid" -> PushTarget.guid(required(GUID));
			case "socket" -> PushTarget.socket(Long.parseLong(required(SOCKET_ID)));
			case "all" -> PushTarget.all();
			default -> throw new IllegalArgumentException("unknown " + TARGET + " '" + target + "'");
		};
		PayloadFormat payloadFormat = format();
		String id = header(ID);
		long messageId = (id != null) ? Long.parseLong(id) : fallbackId;
		return new ClusterMessage.Deliver(new Push(messageId, pushTarget, required(EVENT),
				new Payload(this.value, payloadFormat), "1".equals(header(ACK)), header(POSITION)), header(NODE));
	}

	/**
	 * This record as one MessagePack array, for transports without headers: the key, then
	 * name and value of each header, then the value.
	 * @return the bytes
	 */
	public byte[] toBytes() {
		try (MessageBufferPacker out = MessagePack.newDefaultBufferPacker()) {
			out.packArrayHeader(2 + 2 * this.headers.size());
			out.packString(this.key);
			for (Header header : this.headers) {
				out.packString(header.name());
				out.packBinaryHeader(header.value().length).writePayload(header.value());
			}
			out.packBinaryHeader(this.value.length).writePayload(this.value);
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Read a record written by {@link #toBytes()}.
	 * @param bytes the bytes
	 * @return the record
	 * @throws IllegalArgumentException when the bytes are not such a record
	 */
	public static BusRecord fromBytes(byte[] bytes) {
		try (MessageUnpacker in = MessagePack.newDefaultUnpacker(bytes)) {
			int size = in.unpackArrayHeader();
			if (size < 2 || size % 2 != 0) {
				throw new IllegalArgumentException("not a bus record");
			}
			String key = in.unpackString();
			List<Header> headers = new ArrayList<>((size - 2) / 2);
			for (int i = 0; i < (size - 2) / 2; i++) {
				String name = in.unpackString();
				headers.add(new Header(name, in.readPayload(in.unpackBinaryHeader())));
			}
			return new BusRecord(key, headers, in.readPayload(in.unpackBinaryHeader()));
		}
		catch (IOException | MessagePackException ex) {
			throw new IllegalArgumentException("not a bus record: " + ex.getMessage(), ex);
		}
	}

	private PayloadFormat format() {
		String format = header(FORMAT);
		return (format != null) ? PayloadFormat.valueOf(format.toUpperCase(java.util.Locale.ROOT)) : PayloadFormat.JSON;
	}

	private String required(String name) {
		String value = header(name);
		if (value == null || value.isEmpty()) {
			throw new IllegalArgumentException("missing header " + name);
		}
		return value;
	}

	private static void add(List<Header> headers, String name, String value) {
		headers.add(new Header(name, value.getBytes(StandardCharsets.UTF_8)));
	}

}
