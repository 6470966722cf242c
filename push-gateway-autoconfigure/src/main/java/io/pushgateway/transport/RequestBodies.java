package io.pushgateway.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Reads a request body within a bound, with or without a {@code Content-Length}: a
 * chunked body is counted chunk by chunk as it arrives and refused as soon as it passes
 * the bound, where aggregating first would hold all of it. Reactor Netty's
 * {@code aggregate()} has no bound of its own, hence this.
 *
 * @author Push Gateway team
 */
public final class RequestBodies {

	private RequestBodies() {
	}

	/**
	 * The body's bytes, at most {@code max} of them; an empty body gives an empty array.
	 * @param request the request
	 * @param max the most bytes accepted
	 * @return the bytes, or an error {@link BodyTooLargeException} once the body passes
	 * {@code max} (answer it without keep-alive: the rest of the body is unread)
	 */
	public static Mono<byte[]> read(HttpServerRequest request, long max) {
		return request.receive().reduceWith(ByteArrayOutputStream::new, (out, chunk) -> {
			if (out.size() + (long) chunk.readableBytes() > max) {
				throw new BodyTooLargeException();
			}
			copy(chunk, out);
			return out;
		}).map(ByteArrayOutputStream::toByteArray).defaultIfEmpty(new byte[0]);
	}

	private static void copy(ByteBuf chunk, ByteArrayOutputStream out) {
		try {
			chunk.getBytes(chunk.readerIndex(), out, chunk.readableBytes());
		}
		catch (IOException ex) {
			// a ByteArrayOutputStream does not throw
			throw new UncheckedIOException(ex);
		}
	}

	/** A body passed its bound while it was read. */
	public static final class BodyTooLargeException extends RuntimeException {

		BodyTooLargeException() {
			super("request body too large", null, false, false);
		}

	}

}
