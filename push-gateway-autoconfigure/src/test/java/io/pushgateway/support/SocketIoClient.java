package io.pushgateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tools.jackson.databind.json.JsonMapper;

/**
 * A Socket.IO client written from the Engine.IO (4) and Socket.IO (5) protocol
 * specifications alone, over the JDK's WebSocket ({@code transport=websocket}): it sends
 * the {@code CONNECT} with its {@code auth} payload, answers pings, and decodes packets
 * into maps for assertions: {@code connect} ({@code sid}, {@code pid}),
 * {@code connect_error}, {@code event} ({@code ev}, {@code args}, optional
 * {@code ackId}), {@code ack} ({@code id}, {@code args}), {@code disconnect},
 * {@code close} (Engine.IO's).
 *
 * @author Push Gateway team
 */
public final class SocketIoClient implements WebSocket.Listener, AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = new JsonMapper();

	private final BlockingQueue<Map<String, Object>> packets = new LinkedBlockingQueue<>();

	private final CompletableFuture<TestClient.Close> closed = new CompletableFuture<>();

	private final StringBuilder text = new StringBuilder();

	private volatile boolean paused;

	private volatile WebSocket socket;

	private volatile String pendingBinary;

	private SocketIoClient() {
	}

	/**
	 * Open a WebSocket session and send the {@code CONNECT}.
	 * @param port the node's port
	 * @param auth the {@code CONNECT} payload, such as {@code {"token":"..."}}
	 * @return the client; its first packet is {@code connect} or {@code connect_error}
	 */
	public static SocketIoClient connect(int port, String auth) {
		SocketIoClient client = open(port);
		Map<String, Object> open = client.next("open");
		if (open == null) {
			throw new IllegalStateException("no open packet");
		}
		client.send("40" + auth);
		return client;
	}

	/**
	 * Open a WebSocket session without sending anything.
	 * @param port the node's port
	 * @return the client; its first packet is {@code open}
	 */
	public static SocketIoClient open(int port) {
		return open(port, "");
	}

	/**
	 * Open a WebSocket that offers to upgrade a long-polling session, without sending
	 * anything: the probe ({@code 2probe}, answered {@code engine-3}), then the upgrade
	 * packet ({@code 5}) are the caller's.
	 * @param port the node's port
	 * @param sid the long-polling session's {@code sid}
	 * @return the client
	 */
	public static SocketIoClient upgrade(int port, String sid) {
		return open(port, "&sid=" + sid);
	}

	private static SocketIoClient open(int port, String query) {
		SocketIoClient client = new SocketIoClient();
		client.socket = HTTP.newWebSocketBuilder()
			.connectTimeout(TestClient.TIMEOUT)
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket" + query), client)
			.orTimeout(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS)
			.join();
		return client;
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.text.append(data);
		if (last) {
			String packet = this.text.toString();
			this.text.setLength(0);
			if (packet.equals("2")) {
				webSocket.sendText("3", true);
			}
			else if (packet.startsWith("45") || packet.startsWith("46")) {
				// its attachment follows in a binary frame
				this.pendingBinary = packet;
			}
			else {
				this.packets.add(decode(packet));
			}
		}
		requestMore(webSocket);
		return null;
	}

	@Override
	public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		byte[] bytes = new byte[data.remaining()];
		data.get(bytes);
		String pending = this.pendingBinary;
		if (pending != null) {
			this.pendingBinary = null;
			Map<String, Object> decoded = decode(pending);
			decoded.put("attachment", bytes);
			this.packets.add(decoded);
		}
		requestMore(webSocket);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closed.complete(new TestClient.Close(statusCode, reason));
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closed.complete(new TestClient.Close(-1, String.valueOf(error)));
	}

	private void requestMore(WebSocket webSocket) {
		if (!this.paused) {
			webSocket.request(1);
		}
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> decode(String packet) {
		Map<String, Object> decoded = new LinkedHashMap<>();
		decoded.put("raw", packet);
		char engine = packet.charAt(0);
		if (engine == '0') {
			decoded.put("t", "open");
			decoded.putAll(JSON.readValue(packet.substring(1), Map.class));
			return decoded;
		}
		if (engine == '1') {
			decoded.put("t", "close");
			return decoded;
		}
		if (engine != '4') {
			decoded.put("t", "engine-" + engine);
			return decoded;
		}
		char type = packet.charAt(1);
		int i = 2;
		if (type == '5' || type == '6') {
			i = packet.indexOf('-', i) + 1;
		}
		if (i < packet.length() && packet.charAt(i) == '/') {
			int comma = packet.indexOf(',', i);
			decoded.put("nsp", packet.substring(i, (comma < 0) ? packet.length() : comma));
			i = (comma < 0) ? packet.length() : comma + 1;
		}
		int idStart = i;
		while (i < packet.length() && Character.isDigit(packet.charAt(i))) {
			i++;
		}
		String id = (i > idStart) ? packet.substring(idStart, i) : null;
		String json = packet.substring(i);
		switch (type) {
			case '0' -> {
				decoded.put("t", "connect");
				decoded.putAll(JSON.readValue(json, Map.class));
			}
			case '1' -> decoded.put("t", "disconnect");
			case '4' -> {
				decoded.put("t", "connect_error");
				decoded.putAll(JSON.readValue(json, Map.class));
			}
			case '2', '5' -> {
				List<Object> data = JSON.readValue(json, List.class);
				decoded.put("t", "event");
				decoded.put("ev", data.get(0));
				decoded.put("args", new ArrayList<>(data.subList(1, data.size())));
				if (id != null) {
					decoded.put("ackId", id);
				}
			}
			case '3', '6' -> {
				decoded.put("t", "ack");
				decoded.put("id", id);
				decoded.put("args", JSON.readValue(json, List.class));
			}
			default -> decoded.put("t", "socket.io-" + type);
		}
		return decoded;
	}

	/**
	 * Send an Engine.IO packet as it is.
	 * @param packet the packet's text
	 */
	public void send(String packet) {
		this.socket.sendText(packet, true).join();
	}

	/**
	 * Send a binary WebSocket frame (an attachment).
	 * @param bytes the bytes
	 */
	public void sendBinary(byte[] bytes) {
		this.socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
	}

	/**
	 * Emit an event.
	 * @param ackId the ack ID, or {@code null} for none
	 * @param event the event name
	 * @param argumentsJson the arguments after the name, as JSON, such as {@code {"a":1}}
	 */
	public void emit(String ackId, String event, String argumentsJson) {
		send("42" + ((ackId != null) ? ackId : "") + "[" + JSON.writeValueAsString(event)
				+ (argumentsJson.isEmpty() ? "" : "," + argumentsJson) + "]");
	}

	/** Stop reading, as a client that cannot keep up would. */
	public void pauseReading() {
		this.paused = true;
	}

	/** Read again. */
	public void resumeReading() {
		this.paused = false;
		this.socket.request(Long.MAX_VALUE);
	}

	/**
	 * The next packet of a type; packets before it are dropped.
	 * @param type the type
	 * @return the packet
	 */
	public Map<String, Object> next(String type) {
		return next((packet) -> type.equals(packet.get("t")));
	}

	/**
	 * The next event with a name; packets before it are dropped.
	 * @param event the event name
	 * @return the packet
	 */
	public Map<String, Object> nextEvent(String event) {
		return next((packet) -> "event".equals(packet.get("t")) && event.equals(packet.get("ev")));
	}

	/**
	 * The next packet matching a condition; packets before it are dropped.
	 * @param condition the condition
	 * @return the packet
	 */
	public Map<String, Object> next(Predicate<Map<String, Object>> condition) {
		return TestClient.next(this.packets, condition, this.closed);
	}

	/**
	 * The next packet, waiting at most a while.
	 * @param timeout how long
	 * @return the packet, or {@code null}
	 * @throws InterruptedException if interrupted
	 */
	public Map<String, Object> poll(Duration timeout) throws InterruptedException {
		return this.packets.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Whether the WebSocket closed.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.closed.isDone();
	}

	/**
	 * Wait for the WebSocket to close.
	 * @return the close code and reason
	 */
	public TestClient.Close awaitClose() {
		return this.closed.orTimeout(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
	}

	@Override
	public void close() {
		if (!this.closed.isDone()) {
			this.socket.abort();
			this.closed.complete(new TestClient.Close(-1, "aborted"));
		}
	}

}
