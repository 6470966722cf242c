package io.pushgateway.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An opaque business payload: bytes plus the {@link PayloadFormat} a client should read
 * them as. The gateway never turns the bytes into objects; it only checks that JSON and
 * text are well-formed UTF-8 and JSON one value ({@link PushRules}).
 *
 * @param bytes the payload bytes, not copied; callers must not modify them afterwards
 * @param format how clients should read the bytes
 * @author Push Gateway team
 */
public record Payload(byte[] bytes, PayloadFormat format) {

	/** The empty JSON payload {@code null}. */
	public static final Payload EMPTY = new Payload("null".getBytes(StandardCharsets.US_ASCII), PayloadFormat.JSON);

	public Payload {
		if (bytes == null || format == null) {
			throw new IllegalArgumentException("bytes and format must not be null");
		}
	}

	/**
	 * A payload of JSON bytes, which must be one JSON value in well-formed UTF-8:
	 * {@link PushOperations} refuses others with a {@link PushRejectedException}.
	 * @param json the JSON bytes
	 * @return the payload
	 */
	public static Payload json(byte[] json) {
		return new Payload(json, PayloadFormat.JSON);
	}

	/**
	 * A payload of UTF-8 JSON text that the caller guarantees to be one valid JSON value.
	 * @param json the JSON text
	 * @return the payload
	 */
	public static Payload json(String json) {
		return new Payload(json.getBytes(StandardCharsets.UTF_8), PayloadFormat.JSON);
	}

	/**
	 * A text payload.
	 * @param text the text
	 * @return the payload
	 */
	public static Payload text(String text) {
		return new Payload(text.getBytes(StandardCharsets.UTF_8), PayloadFormat.TEXT);
	}

	/**
	 * A binary payload.
	 * @param bytes the bytes
	 * @return the payload
	 */
	public static Payload binary(byte[] bytes) {
		return new Payload(bytes, PayloadFormat.BINARY);
	}

	/**
	 * The bytes decoded as UTF-8, for JSON and text payloads.
	 * @return the text
	 */
	public String asString() {
		return new String(this.bytes, StandardCharsets.UTF_8);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Payload that && this.format == that.format && Arrays.equals(this.bytes, that.bytes);
	}

	@Override
	public int hashCode() {
		return 31 * Arrays.hashCode(this.bytes) + this.format.hashCode();
	}

	@Override
	public String toString() {
		return "Payload[" + this.format + ", " + this.bytes.length + " bytes]";
	}

}
