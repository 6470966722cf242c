package io.pushgateway.grpc;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;

/**
 * Payloads between the gRPC messages and the gateway: bytes plus their format, which the
 * protocol's {@code PayloadFormat} enum numbers {@code JSON = 0}, {@code TEXT = 1},
 * {@code BINARY = 2} (used by number here, so the two enums of that name never meet).
 *
 * @author Push Gateway team
 */
final class GrpcPayloads {

	static final int JSON = 0;

	static final int TEXT = 1;

	static final int BINARY = 2;

	private GrpcPayloads() {
	}

	static Payload payload(byte[] bytes, int format) {
		return switch (format) {
			case TEXT -> new Payload(bytes, PayloadFormat.TEXT);
			case BINARY -> Payload.binary(bytes);
			// JSON bytes are checked to be one JSON value by the push rules
			case JSON -> (bytes.length == 0) ? Payload.EMPTY : Payload.json(bytes);
			default -> throw new IllegalArgumentException("unknown payload format " + format);
		};
	}

	static int format(PayloadFormat format) {
		return switch (format) {
			case TEXT -> TEXT;
			case BINARY -> BINARY;
			default -> JSON;
		};
	}

}
