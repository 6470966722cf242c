package io.pushgateway.transport.polling;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.pushgateway.codec.FrameCodec;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The HTTP answers of long-polling and Server-Sent Events: a batch with its number and
 * the session's close code in headers, and the plain-text answers to requests that fail.
 *
 * @author Push Gateway team
 */
final class PollingResponses {

	private PollingResponses() {
	}

	/**
	 * Answer a poll with a batch, or with its error text.
	 * @param response the response
	 * @param batch the batch
	 * @param codec the session's codec, or {@code null} for a batch relayed from another
	 * node (its body tells which)
	 * @return the completion of the response
	 */
	static Mono<Void> respond(HttpServerResponse response, Batch batch, @Nullable FrameCodec codec) {
		if (batch.status() != 200) {
			return response.status(batch.status())
				.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
				.sendByteArray(Mono.just(batch.body()))
				.then();
		}
		response.status(200).header("Push-Seq", Long.toString(batch.seq()));
		if (batch.closeCode() != 0) {
			response.header("Push-Close-Code", Integer.toString(batch.closeCode()))
				.header("Push-Close-Reason", headerSafe(batch.closeReason()));
		}
		boolean binary = (codec != null) ? codec.binary() : isMessagePack(batch.body());
		return response.header(HttpHeaderNames.CONTENT_TYPE, binary ? "application/msgpack" : "application/json")
			.sendByteArray(Mono.just(batch.body()))
			.then();
	}

	/*
	 * A batch body is a JSON array ({@code [}) or a MessagePack array (0x90-0x9f, 0xdc,
	 * 0xdd).
	 */
	private static boolean isMessagePack(byte[] body) {
		return body.length > 0 && body[0] != '[';
	}

	private static String headerSafe(String reason) {
		StringBuilder safe = new StringBuilder(reason.length());
		for (int i = 0; i < reason.length() && safe.length() < 123; i++) {
			char c = reason.charAt(i);
			safe.append((c >= 0x20 && c < 0x7f) ? c : '?');
		}
		return safe.toString();
	}

	/**
	 * A response to a request whose body is refused unread: the connection closes after
	 * it, since the rest of the body would otherwise be read as the next request.
	 * @param response the response
	 * @return the response
	 */
	static HttpServerResponse unread(HttpServerResponse response) {
		return response.keepAlive(false);
	}

	/**
	 * Answer with a status and a line of text.
	 * @param response the response
	 * @param status the HTTP status
	 * @param message the text, without its line end
	 * @return the completion of the response
	 */
	static Mono<Void> text(HttpServerResponse response, int status, String message) {
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
			.sendString(Mono.just(message + "\n"))
			.then();
	}

}
