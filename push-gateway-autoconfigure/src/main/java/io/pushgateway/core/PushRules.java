package io.pushgateway.core;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

/**
 * The rules every push obeys, whichever way it comes in ({@link PushOperations}, the HTTP
 * push API, gRPC, a record on the downstream Kafka topic): the event name has 1 to
 * {@value #MAX_EVENT_LENGTH} characters, the payload at most the configured size, a JSON
 * or text payload is well-formed UTF-8, because clients receive it in WebSocket text
 * frames and close on anything else, and a JSON payload is exactly one JSON value,
 * because JSON frames embed it verbatim.
 *
 * @author Push Gateway team
 */
public final class PushRules {

	/** The longest event name, in characters. */
	public static final int MAX_EVENT_LENGTH = 128;

	private static final Log logger = LogFactory.getLog(PushRules.class);

	private static final JsonFactory JSON = JsonFactory.builder().build();

	private static final String NOT_UTF8 = "payload is not well-formed UTF-8";

	/** Characters decoded at a time when checking UTF-8, a bounded buffer. */
	private static final int DECODED_CHUNK = 256;

	private final int maxPayloadSize;

	/**
	 * Rules with a payload limit.
	 * @param maxPayloadSize the largest payload, in bytes
	 */
	public PushRules(int maxPayloadSize) {
		this.maxPayloadSize = maxPayloadSize;
	}

	/**
	 * The largest payload, in bytes.
	 * @return the limit
	 */
	public int maxPayloadSize() {
		return this.maxPayloadSize;
	}

	/**
	 * Check an event name.
	 * @param event the event name
	 * @return the event name
	 * @throws PushRejectedException when it is empty or too long
	 */
	public static String event(String event) {
		if (event == null || event.isEmpty() || event.length() > MAX_EVENT_LENGTH) {
			throw new PushRejectedException("event name must have 1 to " + MAX_EVENT_LENGTH + " characters");
		}
		return event;
	}

	/**
	 * Check a payload's size.
	 * @param payload the payload
	 * @return the payload
	 * @throws PushRejectedException when it is larger than the limit
	 */
	public Payload size(Payload payload) {
		if (payload.bytes().length > this.maxPayloadSize) {
			throw new PushRejectedException(
					"payload of " + payload.bytes().length + " bytes exceeds the maximum of " + this.maxPayloadSize);
		}
		return payload;
	}

	/**
	 * Check that a JSON or text payload is well-formed UTF-8 and that a JSON payload is
	 * exactly one JSON value; binary payloads pass. Reads the bytes with a streaming
	 * parser and builds nothing.
	 * @param payload the payload
	 * @return the payload
	 * @throws PushRejectedException when it breaks a rule
	 */
	public static Payload wellFormed(Payload payload) {
		if (payload.format() != PayloadFormat.BINARY) {
			requireUtf8(payload.bytes());
		}
		if (payload.format() == PayloadFormat.JSON) {
			requireOneJsonValue(payload.bytes());
		}
		return payload;
	}

	/**
	 * Check that bytes are well-formed UTF-8 (RFC 3629): no encoded surrogate, no
	 * overlong form, nothing above U+10FFFF, no sequence cut short. Decoded by the JDK's
	 * decoder, which reports each of these, into a small buffer that is reused; ASCII
	 * needs no decoder at all.
	 * @param bytes the bytes
	 * @throws PushRejectedException when they are not
	 */
	public static void requireUtf8(byte[] bytes) {
		int ascii = 0;
		while (ascii < bytes.length && bytes[ascii] >= 0) {
			ascii++;
		}
		if (ascii == bytes.length) {
			return;
		}
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer in = ByteBuffer.wrap(bytes, ascii, bytes.length - ascii);
		CharBuffer out = CharBuffer.allocate(DECODED_CHUNK);
		CoderResult result;
		do {
			out.clear();
			// at the end of input a sequence cut short is reported as malformed too
			result = decoder.decode(in, out, true);
			if (result.isError()) {
				throw new PushRejectedException(NOT_UTF8);
			}
		}
		while (result.isOverflow());
	}

	/**
	 * Check that bytes are exactly one JSON value; whether they are well-formed UTF-8 is
	 * {@link #requireUtf8}'s to check (the parser lets encoded surrogates, overlong forms
	 * and code points above U+10FFFF through).
	 * @param bytes the bytes
	 * @throws PushRejectedException when they are not
	 */
	public static void requireOneJsonValue(byte[] bytes) {
		try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), bytes)) {
			if (parser.nextToken() == null) {
				throw new PushRejectedException("payload is not JSON: it is empty");
			}
			parser.skipChildren();
			if (parser.nextToken() != null) {
				throw new PushRejectedException("payload holds more than one JSON value");
			}
		}
		catch (JacksonException ex) {
			// the parser's message names its classes and settings: callers get a fixed
			// reason, the debug log the details
			if (logger.isDebugEnabled()) {
				logger.debug("JSON payload refused: " + ex.getOriginalMessage());
			}
			throw new PushRejectedException((ex instanceof StreamConstraintsException)
					? "payload is JSON nested too deeply or holding too long a value" : "payload is not valid JSON");
		}
	}

}
