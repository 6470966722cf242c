package io.pushgateway.spi;

import java.util.Locale;

/**
 * Why a cluster bus skipped a record that breaks the record contract
 * ({@code docs/kafka.md}); the tag values of {@code push.gateway.bus.records.skipped}.
 *
 * @author Push Gateway team
 */
public enum BusRecordRejection {

	/**
	 * Not a record at all (a Redis bus message that is not one), or one nothing else
	 * describes.
	 */
	UNREADABLE,

	/** An {@code X-Type} the gateway does not know. */
	UNKNOWN_TYPE,

	/** An {@code X-Target} the gateway does not know. */
	UNKNOWN_TARGET,

	/** An {@code X-Format} other than json, text or binary. */
	UNKNOWN_FORMAT,

	/** A header the record's type and target require is missing or empty. */
	MISSING_HEADER,

	/**
	 * A header that must be a decimal number ({@code X-ID}, {@code X-Socket-Id}...) is
	 * not.
	 */
	INVALID_NUMBER,

	/** The event name is longer than the limit. */
	INVALID_EVENT,

	/** A JSON value that is not exactly one JSON value. */
	INVALID_JSON,

	/** A JSON or text value that is not well-formed UTF-8. */
	INVALID_UTF8,

	/** A payload larger than {@code push.gateway.limits.max-payload-size}. */
	PAYLOAD_TOO_LARGE,

	/**
	 * A disconnect whose close code is not one an application may use, or whose reason is
	 * too long.
	 */
	INVALID_DISCONNECT;

	/**
	 * The metric tag value.
	 * @return the name in lower case
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
