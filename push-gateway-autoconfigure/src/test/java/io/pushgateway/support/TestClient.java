package io.pushgateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real WebSocket client (the JDK's) over a real socket, decoding both protocols' frames
 * into maps for assertions. Reading can be paused to play a slow consumer.
 *
 * @author Push Gateway team
 */
public final class TestClient implements WebSocket.Listener, AutoCloseable {

	public static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = new JsonMapper();

	private final BlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();

	private final CompletableFuture<Close> closed = new CompletableFuture<>();

	private final StringBuilder text = new StringBuilder();

	private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

	private final AtomicInteger pongs = new AtomicInteger();

	private volatile boolean paused;

	private volatile WebSocket socket;

	private TestClient() {
	}

	public static TestClient connect(int port, String token) {
		return connect(port, "?access_token=" + token, "push.v1.json", Map.of());
	}

	public static TestClient connect(int port, String query, String subprotocol, Map<String, String> headers) {
		TestClient client = new TestClient();
		WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
		if (subprotocol != null) {
			builder.subprotocols(subprotocol);
		}
		headers.forEach(builder::header);
		client.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws" + query), client)
			.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
			.join();
		return client;
	}

	/**
	 * The HTTP status a rejected handshake got.
	 * @param port the port
	 * @param query the query string
	 * @param subprotocol the subprotocol to offer, or {@code null}
	 * @param headers extra headers
	 * @return the status
	 */
	public static int rejectedStatus(int port, String query, String subprotocol, Map<String, String> headers) {
		try {
			connect(port, query, subprotocol, headers).close();
			throw new AssertionError("handshake was accepted");
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException rejected) {
				return rejected.getResponse().statusCode();
			}
			throw ex;
		}
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.text.append(data);
		if (last) {
			Map<String, Object> frame = JSON.readValue(this.text.toString(), Map.class);
			if ("pong".equals(frame.get("t"))) {
				this.pongs.incrementAndGet();
			}
			this.frames.add(frame);
			this.text.setLength(0);
		}
		requestMore(webSocket);
		return null;
	}

	@Override
	public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		byte[] bytes = new byte[data.remaining()];
		data.get(bytes);
		this.binary.writeBytes(bytes);
		if (last) {
			this.frames.add(decodeMessagePack(this.binary.toByteArray()));
			this.binary.reset();
		}
		requestMore(webSocket);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closed.complete(new Close(statusCode, reason));
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closed.complete(new Close(-1, String.valueOf(error)));
	}

	private void requestMore(WebSocket webSocket) {
		if (!this.paused) {
			webSocket.request(1);
		}
	}

	/** Stop reading from the socket, as a client that cannot keep up would. */
	public void pauseReading() {
		this.paused = true;
	}

	/** Read again. */
	public void resumeReading() {
		this.paused = false;
		this.socket.request(Long.MAX_VALUE);
	}

	public void send(String frame) {
		this.socket.sendText(frame, true).join();
	}

	public void sendBinary(byte[] frame) {
		this.socket.sendBinary(ByteBuffer.wrap(frame), true).join();
	}

	public void sendPing() {
		this.socket.sendPing(ByteBuffer.wrap(new byte[] { 1 })).join();
	}

	/**
	 * How many {@code pong} frames arrived.
	 * @return the count
	 */
	public int pongs() {
		return this.pongs.get();
	}

	public String subprotocol() {
		return this.socket.getSubprotocol();
	}

	/**
	 * The next frame that is not a pong.
	 * @return the frame
	 */
	public Map<String, Object> next() {
		return next((frame) -> true);
	}

	/**
	 * The next frame matching a condition; frames before it are dropped.
	 * @param condition the condition
	 * @return the frame
	 */
	public Map<String, Object> next(Predicate<Map<String, Object>> condition) {
		return next(this.frames, (frame) -> !"pong".equals(frame.get("t")) && condition.test(frame), this.closed);
	}

	/**
	 * The next frame of a queue matching a condition, within {@link #TIMEOUT}; frames
	 * before it are dropped.
	 * @param frames the frames received
	 * @param condition the condition
	 * @param closed how the connection closed, for the failure message
	 * @return the frame
	 */
	static Map<String, Object> next(BlockingQueue<Map<String, Object>> frames, Predicate<Map<String, Object>> condition,
			CompletableFuture<Close> closed) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		try {
			while (true) {
				Map<String, Object> frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
				if (frame == null) {
					throw new AssertionError(
							"no matching frame within " + TIMEOUT + "; closed: " + closed.getNow(null));
				}
				if (condition.test(frame)) {
					return frame;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * The next frame of a type.
	 * @param type the frame type
	 * @return the frame
	 */
	public Map<String, Object> next(String type) {
		return next((frame) -> type.equals(frame.get("t")));
	}

	/**
	 * The next frame, pongs included, if one arrives within a wait.
	 * @param timeout how long to wait
	 * @return the frame, or {@code null}
	 * @throws InterruptedException if interrupted
	 */
	public Map<String, Object> poll(Duration timeout) throws InterruptedException {
		return this.frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Whether a frame arrives within a short wait; for asserting that nothing arrives,
	 * after a later frame proved the earlier ones were all delivered.
	 * @return the frames received so far, drained
	 */
	public List<Map<String, Object>> drain() {
		List<Map<String, Object>> drained = new ArrayList<>();
		this.frames.drainTo(drained);
		return drained;
	}

	public Close awaitClose() {
		return this.closed.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
	}

	public boolean isClosed() {
		return this.closed.isDone();
	}

	@Override
	public void close() {
		if (!this.socket.isOutputClosed()) {
			this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally((ex) -> null);
		}
		this.socket.abort();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> decodeMessagePack(byte[] bytes) {
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
			Value value = unpacker.unpackValue();
			Map<String, Object> frame = new LinkedHashMap<>();
			value.asMapValue().map().forEach((key, entry) -> frame.put(key.asStringValue().asString(), toJava(entry)));
			frame.put("_binary", true);
			return frame;
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

	static Object toJava(Value value) {
		return switch (value.getValueType()) {
			case STRING -> value.asStringValue().asString();
			case BINARY -> value.asBinaryValue().asByteArray();
			case INTEGER -> value.asIntegerValue().asLong();
			case ARRAY -> value.asArrayValue().list().stream().map(TestClient::toJava).toList();
			case NIL -> null;
			default -> value.toString();
		};
	}

	/**
	 * The close code and reason a client saw.
	 *
	 * @param code the close code
	 * @param reason the reason
	 */
	public record Close(int code, String reason) {
	}

}
