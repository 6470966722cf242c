package io.pushgateway.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.pushgateway.core.DisconnectCodes;
import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushRules;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.BusRecordRejection;
import io.pushgateway.spi.ClusterMessage;
import org.jspecify.annotations.Nullable;

/**
 * Maps a {@link BusRecord} back to a {@link ClusterMessage}, and holds a record to the
 * record contract on the way: a record that breaks it is rejected with its reason
 * ({@link RecordRejectedException}), and one produced outside the gateway is also held to
 * the rules every push obeys.
 *
 * @author Push Gateway team
 */
public final class BusRecordDecoder {

	private BusRecordDecoder() {
	}

	/**
	 * Map a record published by a node back to a message.
	 * @param record the record
	 * @param fallbackId a message ID for records produced without {@code X-ID}
	 * @return the message
	 * @throws RecordRejectedException when the record breaks the record contract
	 */
	public static ClusterMessage decode(BusRecord record, long fallbackId) {
		return decode(record, fallbackId, null);
	}

	/**
	 * Map a record back to a message. A record produced outside the gateway (without
	 * {@link BusRecord#INSTANCE}) is held to the rules every push obeys: the event name,
	 * the payload size, a JSON or text value in well-formed UTF-8, and a JSON value that
	 * is exactly one JSON value; a node's own records were checked where they were
	 * issued.
	 * @param record the record
	 * @param fallbackId a message ID for records produced without {@code X-ID}
	 * @param rules the rules for records produced outside the gateway, or {@code null} to
	 * check the structure only
	 * @return the message
	 * @throws RecordRejectedException when the record breaks the record contract
	 */
	public static ClusterMessage decode(BusRecord record, long fallbackId, @Nullable PushRules rules) {
		String type = record.header(BusRecord.TYPE);
		if (type == null || type.equals("push")) {
			return deliver(record, fallbackId, (record.header(BusRecord.INSTANCE) == null) ? rules : null);
		}
		return switch (type) {
			case "reply" ->
				new ClusterMessage.Reply(number(record, BusRecord.SOCKET_ID), required(record, BusRecord.REPLY_TO),
						payload(record, (record.header(BusRecord.INSTANCE) == null) ? rules : null));
			case "ack" -> new ClusterMessage.Acked(number(record, BusRecord.ID), number(record, BusRecord.SOCKET_ID));
			case "disconnect" -> disconnect(record, (record.header(BusRecord.INSTANCE) == null) ? rules : null);
			case "relay" ->
				new ClusterMessage.Relay(required(record, BusRecord.TO), required(record, BusRecord.CHANNEL),
						record.key(), record.value(), required(record, BusRecord.NODE));
			default -> throw new RecordRejectedException(BusRecordRejection.UNKNOWN_TYPE, "unknown " + BusRecord.TYPE
					+ " '" + type + "' (push, reply, ack, disconnect or relay; push when absent)");
		};
	}

	/*
	 * A disconnect: the target as a push's, the code in X-Close-Code, the reason the
	 * value, the filters (X-Token-Id, X-Issued-Before) when present. One produced outside
	 * the gateway must use an application's code and reason.
	 */
	private static ClusterMessage.Disconnect disconnect(BusRecord record, @Nullable PushRules rules) {
		PushTarget target = target(record);
		int code = (int) number(record, BusRecord.CLOSE_CODE);
		String reason = new String(record.value(), StandardCharsets.UTF_8);
		if (rules != null) {
			try {
				DisconnectCodes.check(code, reason);
			}
			catch (PushRejectedException ex) {
				throw new RecordRejectedException(BusRecordRejection.INVALID_DISCONNECT,
						String.valueOf(ex.getMessage()));
			}
		}
		String issuedBefore = record.header(BusRecord.ISSUED_BEFORE);
		return new ClusterMessage.Disconnect(target, code, reason, record.header(BusRecord.TOKEN_ID),
				(issuedBefore != null) ? Instant.ofEpochMilli(number(record, BusRecord.ISSUED_BEFORE)) : null);
	}

	private static PushTarget target(BusRecord record) {
		String target = required(record, BusRecord.TARGET);
		return switch (target) {
			case "user" -> PushTarget.user(required(record, BusRecord.UID));
			case "users" -> {
				List<String> uids = record.headers(BusRecord.UID);
				if (uids.isEmpty()) {
					throw missing(record, BusRecord.UID);
				}
				yield PushTarget.users(uids);
			}
			case "guid" -> PushTarget.guid(required(record, BusRecord.GUID));
			case "socket" -> PushTarget.socket(number(record, BusRecord.SOCKET_ID));
			case "all" -> PushTarget.all();
			default -> throw new RecordRejectedException(BusRecordRejection.UNKNOWN_TARGET,
					"unknown " + BusRecord.TARGET + " '" + target + "' (user, users, guid, socket or all)");
		};
	}

	private static ClusterMessage.Deliver deliver(BusRecord record, long fallbackId, @Nullable PushRules rules) {
		PushTarget pushTarget = target(record);
		String event = required(record, BusRecord.EVENT);
		if (rules != null && event.length() > PushRules.MAX_EVENT_LENGTH) {
			throw new RecordRejectedException(BusRecordRejection.INVALID_EVENT,
					BusRecord.EVENT + " longer than " + PushRules.MAX_EVENT_LENGTH + " characters");
		}
		long messageId = (record.header(BusRecord.ID) != null) ? number(record, BusRecord.ID) : fallbackId;
		return new ClusterMessage.Deliver(new Push(messageId, pushTarget, event, payload(record, rules),
				"1".equals(record.header(BusRecord.ACK)), record.header(BusRecord.POSITION)),
				record.header(BusRecord.NODE), propagation(record));
	}

	/*
	 * The trace context and baggage the record carries, for the delivery's observation.
	 */
	private static Map<String, String> propagation(BusRecord record) {
		Map<String, String> propagation = null;
		for (BusRecord.Header header : record.headers()) {
			if (BusRecord.PROPAGATED.contains(header.name())) {
				if (propagation == null) {
					propagation = new HashMap<>(4);
				}
				propagation.put(header.name(), header.text());
			}
		}
		return (propagation != null) ? propagation : Map.of();
	}

	/* The value as a payload of the record's format, checked when rules are given. */
	private static Payload payload(BusRecord record, @Nullable PushRules rules) {
		PayloadFormat format = format(record);
		byte[] value = record.value();
		if (rules == null) {
			return new Payload(value, format);
		}
		if (value.length > rules.maxPayloadSize()) {
			throw new RecordRejectedException(BusRecordRejection.PAYLOAD_TOO_LARGE,
					"payload of " + value.length + " bytes exceeds the maximum of " + rules.maxPayloadSize());
		}
		if (format == PayloadFormat.BINARY) {
			return new Payload(value, format);
		}
		if (format == PayloadFormat.JSON && value.length == 0) {
			// an empty value or a tombstone is JSON null, as an empty JSON body of the
			// HTTP API is
			return Payload.EMPTY;
		}
		try {
			PushRules.requireUtf8(value);
		}
		catch (PushRejectedException ex) {
			throw new RecordRejectedException(BusRecordRejection.INVALID_UTF8,
					ex.getMessage() + " (" + BusRecord.FORMAT + " json or text)");
		}
		if (format == PayloadFormat.TEXT) {
			return new Payload(value, format);
		}
		try {
			PushRules.requireOneJsonValue(value);
		}
		catch (PushRejectedException ex) {
			throw new RecordRejectedException(BusRecordRejection.INVALID_JSON,
					ex.getMessage() + " (" + BusRecord.FORMAT + " json, or absent)");
		}
		return new Payload(value, format);
	}

	private static PayloadFormat format(BusRecord record) {
		String format = record.header(BusRecord.FORMAT);
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
				"unknown " + BusRecord.FORMAT + " '" + format + "' (json, text or binary; json when absent)");
	}

	private static String required(BusRecord record, String name) {
		String value = record.header(name);
		if (value == null || value.isEmpty()) {
			throw missing(record, name);
		}
		return value;
	}

	private static RecordRejectedException missing(BusRecord record, String name) {
		String type = record.header(BusRecord.TYPE);
		String target = record.header(BusRecord.TARGET);
		return new RecordRejectedException(BusRecordRejection.MISSING_HEADER,
				"missing header " + name + " (required for " + BusRecord.TYPE + " " + ((type != null) ? type : "push")
						+ ((target != null && (type == null || type.equals("push")))
								? ", " + BusRecord.TARGET + " " + target : "")
						+ ")");
	}

	private static long number(BusRecord record, String name) {
		String value = required(record, name);
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw new RecordRejectedException(BusRecordRejection.INVALID_NUMBER,
					"header " + name + " '" + value + "' is not a decimal number");
		}
	}

}
