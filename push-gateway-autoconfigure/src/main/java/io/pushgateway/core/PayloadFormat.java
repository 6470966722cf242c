package io.pushgateway.core;

/**
 * How the opaque bytes of a {@link Payload} are to be read by a client.
 *
 * @author Push Gateway team
 */
public enum PayloadFormat {

	/** A UTF-8 JSON document, embedded verbatim in JSON frames. */
	JSON,

	/** UTF-8 text. */
	TEXT,

	/** Arbitrary bytes. */
	BINARY

}
