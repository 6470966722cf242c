package io.pushgateway.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The sample's own way in, as the getting-started guide shows it: a demo token from
 * {@code /demo/token}, then a WebSocket whose text frames land in a queue.
 *
 * @author Push Gateway team
 */
final class DemoClient {

	private final HttpClient http = HttpClient.newHttpClient();

	private final int port;

	final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

	/** The server's close, as {@code <code> <reason>}, once it came. */
	final CompletableFuture<String> closed = new CompletableFuture<>();

	private WebSocket socket;

	DemoClient(int port) {
		this.port = port;
	}

	/**
	 * A demo token.
	 * @param query the query after {@code /demo/token?}, such as {@code uid=carol}
	 * @return the token
	 * @throws Exception if the request failed
	 */
	String token(String query) throws Exception {
		return get("/demo/token?" + query).body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
	}

	HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Open the WebSocket.
	 * @param token the token
	 * @param subprotocol the subprotocol to offer, or {@code null} for none
	 * @param headers extra headers
	 * @return the socket
	 * @throws Exception if the upgrade failed
	 */
	WebSocket connect(String token, String subprotocol, Map<String, String> headers) throws Exception {
		WebSocket.Builder builder = this.http.newWebSocketBuilder();
		if (subprotocol != null) {
			builder.subprotocols(subprotocol);
		}
		headers.forEach(builder::header);
		this.socket = builder.buildAsync(URI.create("ws://localhost:" + this.port + "/ws?access_token=" + token),
				new WebSocket.Listener() {
					@Override
					public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
						DemoClient.this.frames.add(data.toString());
						webSocket.request(1);
						return null;
					}

					@Override
					public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
						DemoClient.this.closed.complete(statusCode + " " + reason);
						return null;
					}
				})
			.get(10, TimeUnit.SECONDS);
		return this.socket;
	}

	/**
	 * The next frame, within 10 seconds.
	 * @return the frame, or {@code null}
	 * @throws InterruptedException if interrupted
	 */
	String next() throws InterruptedException {
		return this.frames.poll(10, TimeUnit.SECONDS);
	}

	/**
	 * The next frame of a type, skipping others.
	 * @param type the frame type
	 * @return the frame, or {@code null}
	 * @throws InterruptedException if interrupted
	 */
	String next(String type) throws InterruptedException {
		for (int i = 0; i < 10; i++) {
			String frame = next();
			if (frame == null || frame.contains("\"t\":\"" + type + "\"")) {
				return frame;
			}
		}
		return null;
	}

	void send(String frame) {
		this.socket.sendText(frame, true).join();
	}

	void close() {
		this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
	}

}
