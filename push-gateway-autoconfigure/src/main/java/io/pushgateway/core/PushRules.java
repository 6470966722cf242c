package io.pushgateway.core;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The rules every push obeys, whichever way it comes in ({@link PushOperations}, the HTTP
 * push API, a record on the downstream Kafka topic): the event name has 1 to
 * {@value #MAX_EVENT_LENGTH} characters, the payload at most the configured size, and a
 * JSON payload is exactly one JSON value, because JSON frames embed it verbatim.
 *
 * @author Push Gateway team
 */
public final class PushRules {

	/** The longest event name, in characters. */
	public static final int MAX_EVENT_LENGTH = 128;

	private static final JsonFactory JSON = JsonFactory.builder().build();

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
	 * Check that a JSON payload is exactly one JSON value; other formats pass. Reads the
	 * bytes once with a streaming parser and builds nothing.
	 * @param payload the payload
	 * @return the payload
	 * @throws PushRejectedException when it is not one JSON value
	 */
	public static Payload json(Payload payload) {
		if (payload.format() == PayloadFormat.JSON) {
			requireOneJsonValue(payload.bytes());
		}
		return payload;
	}

	/**
	 * Check that bytes are exactly one JSON value.
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
			throw new PushRejectedException("payload is not valid JSON: " + ex.getOriginalMessage());
		}
	}

}
