package io.pushgateway.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushRules;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.BusRecordRejection;
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
 * @param value the payload bytes, the close reason of a disconnect, or a relay's body
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
	 * The publishing node's process: a random token each node's bus draws when it starts.
	 * Only nodes set it, so a record produced outside the gateway is never taken for a
	 * node's own, even when it copies {@code X-Node} from an upstream record.
	 */
	public static final String INSTANCE = "X-Node-Instance";

	/**
	 * {@code push} (the default when absent), {@code reply}, {@code ack},
	 * {@code disconnect} or {@code relay}.
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

	/**
	 * Propagation headers a push record may carry (W3C trace context and baggage, B3),
	 * written by the issuing node's tracer and read by the delivering node's.
	 */
	public static final List<String> PROPAGATED = List.of("traceparent", "tracestate", "baggage", "b3");

	/** The node a relay is addressed to. */
	public static final String TO = "X-To";

	/** The transport a relay belongs to, for example {@code polling}. */
	public static final String CHANNEL = "X-Channel";

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
		return of(message, node, null);
	}

	/**
	 * Map a message to a record, marked as published by one node process.
	 * @param message the message
	 * @param node the publishing node
	 * @param instance the publishing bus's token ({@link #INSTANCE}), or {@code null}
	 * @return the record
	 */
	public static BusRecord of(ClusterMessage message, String node, @Nullable String instance) {
		List<Header> headers = new ArrayList<>(9);
		if (instance != null) {
			add(headers, INSTANCE, instance);
		}
		if (message instanceof ClusterMessage.Relay relay) {
			add(headers, NODE, node);
			add(headers, TYPE, "relay");
			add(headers, TO, relay.node());
			add(headers, CHANNEL, relay.channel());
			return new BusRecord(relay.key(), headers, relay.body());
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
			add(headers, FORMAT, reply.payload().format().name().toLowerCase(Locale.ROOT));
			return new BusRecord("socket:" + reply.socketId(), headers, reply.payload().bytes());
		}
		ClusterMessage.Deliver deliver = (ClusterMessage.Deliver) message;
		Push push = deliver.push();
		add(headers, ID, Long.toString(push.messageId()));
		deliver.headers().forEach((name, value) -> add(headers, name, value));
		add(headers, NODE, node);
		add(headers, EVENT, push.event());
		add(headers, FORMAT, push.payload().format().name().toLowerCase(Locale.ROOT));
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
	 * Whether a node process with this token published the record.
	 * @param instance the token
	 * @return {@code true} for the process's own records
	 */
	public boolean isFrom(String instance) {
		return instance.equals(header(INSTANCE));
	}

	/**
	 * Map a record published by a node back to a message.
	 * @param fallbackId a message ID for records produced without {@code X-ID}
	 * @return the message
	 * @throws RecordRejectedException when the record breaks the record contract
	 */
	public ClusterMessage toMessage(long fallbackId) {
		return toMessage(fallbackId, null);
	}

	/**
	 * Map this record back to a message. A record produced outside the gateway (without
	 * {@link #INSTANCE}) is held to the rules every push obeys: the event name, the
	 * payload size, a JSON or text value in well-formed UTF-8, and a JSON value that is
	 * exactly one JSON value; a node's own records were checked where they were issued.
	 * @param fallbackId a message ID for records produced without {@code X-ID}
	 * @param rules the rules for records produced outside the gateway, or {@code null} to
	 * check the structure only
	 * @return the message
	 * @throws RecordRejectedException when the record breaks the record contract
	 */
	public ClusterMessage toMessage(long fallbackId, @Nullable PushRules rules) {
		String type = header(TYPE);
		if (type == null || type.equals("push")) {
			return deliver(fallbackId, (header(INSTANCE) == null) ? rules : null);
		}
		return switch (type) {
			case "reply" -> new ClusterMessage.Reply(number(SOCKET_ID), required(REPLY_TO),
					payload((header(INSTANCE) == null) ? rules : null));
			case "ack" -> new ClusterMessage.Acked(number(ID), number(SOCKET_ID));
			case "disconnect" -> new ClusterMessage.Disconnect(number(SOCKET_ID), (int) number(CLOSE_CODE),
					new String(this.value, StandardCharsets.UTF_8));
			case "relay" ->
				new ClusterMessage.Relay(required(TO), required(CHANNEL), this.key, this.value, required(NODE));
			default -> throw new RecordRejectedException(BusRecordRejection.UNKNOWN_TYPE,
					"unknown " + TYPE + " '" + type + "' (push, reply, ack, disconnect or relay; push when absent)");
		};
	}

	private ClusterMessage.Deliver deliver(long fallbackId, @Nullable PushRules rules) {
		String target = required(TARGET);
		PushTarget pushTarget = switch (target) {
			case "user" -> PushTarget.user(required(UID));
			case "users" -> {
				List<String> uids = headers(UID);
				if (uids.isEmpty()) {
					throw missing(UID);
				}
				yield PushTarget.users(uids);
			}
			case "guid" -> PushTarget.guid(required(GUID));
			case "socket" -> PushTarget.socket(number(SOCKET_ID));
			case "all" -> PushTarget.all();
			default -> throw new RecordRejectedException(BusRecordRejection.UNKNOWN_TARGET,
					"unknown " + TARGET + " '" + target + "' (user, users, guid, socket or all)");
		};
		String event = required(EVENT);
		if (rules != null && event.length() > PushRules.MAX_EVENT_LENGTH) {
			throw new RecordRejectedException(BusRecordRejection.INVALID_EVENT,
					EVENT + " longer than " + PushRules.MAX_EVENT_LENGTH + " characters");
		}
		long messageId = (header(ID) != null) ? number(ID) : fallbackId;
		return new ClusterMessage.Deliver(
				new Push(messageId, pushTarget, event, payload(rules), "1".equals(header(ACK)), header(POSITION)),
				header(NODE), propagation());
	}

	/**
	 * The trace context and baggage the record carries, for the delivery's observation.
	 */
	private Map<String, String> propagation() {
		Map<String, String> propagation = null;
		for (Header header : this.headers) {
			if (PROPAGATED.contains(header.name())) {
				if (propagation == null) {
					propagation = new HashMap<>(4);
				}
				propagation.put(header.name(), header.text());
			}
		}
		return (propagation != null) ? propagation : Map.of();
	}

	/** The value as a payload of the record's format, checked when rules are given. */
	private Payload payload(@Nullable PushRules rules) {
		PayloadFormat format = format();
		if (rules == null) {
			return new Payload(this.value, format);
		}
		if (this.value.length > rules.maxPayloadSize()) {
			throw new RecordRejectedException(BusRecordRejection.PAYLOAD_TOO_LARGE,
					"payload of " + this.value.length + " bytes exceeds the maximum of " + rules.maxPayloadSize());
		}
		if (format == PayloadFormat.BINARY) {
			return new Payload(this.value, format);
		}
		if (format == PayloadFormat.JSON && this.value.length == 0) {
			// an empty value or a tombstone is JSON null, as an empty JSON body of the
			// HTTP API is
			return Payload.EMPTY;
		}
		try {
			PushRules.requireUtf8(this.value);
		}
		catch (PushRejectedException ex) {
			throw new RecordRejectedException(BusRecordRejection.INVALID_UTF8,
					ex.getMessage() + " (" + FORMAT + " json or text)");
		}
		if (format == PayloadFormat.TEXT) {
			return new Payload(this.value, format);
		}
		try {
			PushRules.requireOneJsonValue(this.value);
		}
		catch (PushRejectedException ex) {
			throw new RecordRejectedException(BusRecordRejection.INVALID_JSON,
					ex.getMessage() + " (" + FORMAT + " json, or absent)");
		}
		return new Payload(this.value, format);
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
		if (format == null || format.equalsIgnoreCase("json")) {
			return PayloadFormat.JSON;
		}
		if (format.equalsIgnoreCase("text")) {
			return PayloadFormat.TEXT;
		}
		if (format.equalsIgnoreCase("binary")) {
			return PayloadFormat.BINARY;
		}
		throw new RecordRejectedException(BusRecordRejection.UNKNOWN_FORMAT,
				"unknown " + FORMAT + " '" + format + "' (json, text or binary; json when absent)");
	}

	private String required(String name) {
		String value = header(name);
		if (value == null || value.isEmpty()) {
			throw missing(name);
		}
		return value;
	}

	private RecordRejectedException missing(String name) {
		String type = header(TYPE);
		String target = header(TARGET);
		return new RecordRejectedException(BusRecordRejection.MISSING_HEADER, "missing header " + name
				+ " (required for " + TYPE + " " + ((type != null) ? type : "push")
				+ ((target != null && (type == null || type.equals("push"))) ? ", " + TARGET + " " + target : "")
				+ ")");
	}

	private long number(String name) {
		String value = required(name);
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw new RecordRejectedException(BusRecordRejection.INVALID_NUMBER,
					"header " + name + " '" + value + "' is not a decimal number");
		}
	}

	private static void add(List<Header> headers, String name, String value) {
		headers.add(new Header(name, value.getBytes(StandardCharsets.UTF_8)));
	}

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

}
