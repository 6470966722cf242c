package io.pushgateway.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import tools.jackson.databind.json.JsonMapper;

/**
 * A WebSocket client of the gateway for tests, over a real socket (the JDK's
 * {@link HttpClient}), speaking either protocol ({@code push.v1.json} or
 * {@code push.v1.msgpack}) as {@code docs/protocol.md} describes it. Every wait is
 * bounded by a timeout (10 seconds unless set) and fails with an {@link AssertionError}
 * naming what was awaited.
 *
 * <pre class="code">
 * try (PushTestClient alice = PushTestClient.connect("ws://localhost:" + port + "/ws", token)) {
 * 	pushOperations.pushToUser("alice", "order.shipped", Map.of("order", "o-1")).block();
 * 	assertThat(alice.awaitPush("order.shipped").payload()).isEqualTo(Map.of("order", "o-1"));
 * }
 * </pre>
 *
 * @author Push Gateway team
 */
public final class PushTestClient implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = new JsonMapper();

	private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();

	private final CompletableFuture<Closed> closed = new CompletableFuture<>();

	private final AtomicLong ids = new AtomicLong();

	/** The last position of each stream ({@code ""} for the user's, else the GUID). */
	private final Map<String, String> positions = new ConcurrentHashMap<>();

	/**
	 * Pushes that broke the order of their stream, as the docs' rules for clients say.
	 */
	private final List<String> disorder = new CopyOnWriteArrayList<>();

	private final Protocol protocol;

	private final Duration timeout;

	private final Frame welcome;

	private final WebSocket socket;

	private PushTestClient(URI uri, Protocol protocol, Duration timeout) {
		this.protocol = protocol;
		this.timeout = timeout;
		this.socket = HTTP.newWebSocketBuilder()
			.connectTimeout(timeout)
			.subprotocols(protocol.subprotocol)
			.buildAsync(uri, new Listener())
			.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
			.join();
		this.welcome = await("welcome", (frame) -> frame.type().equals("welcome"));
	}

	/**
	 * Connect with the JSON protocol and wait for the {@code welcome}.
	 * @param url the gateway's WebSocket URL, such as {@code ws://localhost:8080/ws}
	 * @param token the access token, sent as {@code access_token}
	 * @return the connected client
	 */
	public static PushTestClient connect(String url, String token) {
		return connect(url, token, Protocol.JSON, Duration.ofSeconds(10));
	}

	/**
	 * Connect and wait for the {@code welcome}.
	 * @param url the gateway's WebSocket URL, with a query string of its own if needed
	 * ({@code guid}, {@code since})
	 * @param token the access token, sent as {@code access_token}
	 * @param protocol the protocol
	 * @param timeout the bound of every wait
	 * @return the connected client
	 */
	public static PushTestClient connect(String url, String token, Protocol protocol, Duration timeout) {
		String separator = url.contains("?") ? "&" : "?";
		return new PushTestClient(URI.create(url + separator + "access_token=" + token), protocol, timeout);
	}

	/**
	 * The {@code welcome} frame.
	 * @return the frame: {@code sid}, {@code uid}, {@code g}, ...
	 */
	public Frame welcome() {
		return this.welcome;
	}

	/**
	 * The position of the last push of the user's stream received, or of the last
	 * {@code recovered} frame of that stream: what to reconnect with as {@code since}.
	 * @return the position ({@code <epoch>:<offset>}), or {@code null} before any
	 */
	public @Nullable String position() {
		return this.positions.get("");
	}

	/**
	 * The position of the last push of a GUID's stream received, or of its last
	 * {@code recovered} frame: what to join it again with as {@code since}.
	 * @param guid the GUID
	 * @return the position, or {@code null} before any
	 */
	public @Nullable String position(String guid) {
		return this.positions.get(guid);
	}

	/**
	 * Assert that every recoverable push so far was the one after the last of its stream
	 * (same epoch, next offset), unless a {@code recovered} frame moved the stream's
	 * position in between: the order the gateway promises per connection.
	 * @throws AssertionError naming each push that broke it
	 */
	public void assertInPositionOrder() {
		if (!this.disorder.isEmpty()) {
			throw new AssertionError("pushes out of position order: " + this.disorder);
		}
	}

	/*
	 * Called for each frame as it arrives, before the test sees it.
	 */
	private void follow(Frame frame) {
		Object position = frame.get("p");
		if (!(position instanceof String next)) {
			return;
		}
		Object guid = frame.get("g");
		String stream = (guid instanceof String g) ? g : "";
		if (frame.type().equals("push")) {
			String last = this.positions.get(stream);
			if (last != null && !follows(last, next)) {
				this.disorder.add(next + " after " + last + ((guid != null) ? " (GUID " + guid + ")" : ""));
			}
			this.positions.put(stream, next);
		}
		else if (frame.type().equals("recovered")) {
			this.positions.put(stream, next);
		}
	}

	private static boolean follows(String last, String next) {
		int lastColon = last.indexOf(':');
		int nextColon = next.indexOf(':');
		if (lastColon < 0 || nextColon < 0) {
			return false;
		}
		return last.substring(0, lastColon).equals(next.substring(0, nextColon))
				&& Long.parseLong(next.substring(nextColon + 1)) == Long.parseLong(last.substring(lastColon + 1)) + 1;
	}

	/**
	 * The next push of an event; frames before it are dropped.
	 * @param event the event name
	 * @return the push
	 */
	public Frame awaitPush(String event) {
		return awaitPush((push) -> event.equals(push.get("ev")));
	}

	/**
	 * The next push matching a condition; frames before it are dropped.
	 * @param condition the condition
	 * @return the push
	 */
	public Frame awaitPush(Predicate<Frame> condition) {
		return await("push", (frame) -> frame.type().equals("push") && condition.test(frame));
	}

	/**
	 * Send a message to the application ({@code msg}) and wait for its {@code reply}.
	 * @param event the event name
	 * @param payload the payload, written as JSON
	 * @return the reply
	 * @throws AssertionError when an {@code error} answers instead, or nothing does
	 */
	public Frame request(String event, @Nullable Object payload) {
		String id = send(event, payload);
		Frame answer = await("reply to " + id, (frame) -> id.equals(frame.get("id"))
				&& (frame.type().equals("reply") || frame.type().equals("error")));
		if (answer.type().equals("error")) {
			throw new AssertionError("message " + id + " was refused: " + answer.fields());
		}
		return answer;
	}

	/**
	 * Send a message to the application ({@code msg}) without waiting.
	 * @param event the event name
	 * @param payload the payload, written as JSON
	 * @return the message's ID
	 */
	public String send(String event, @Nullable Object payload) {
		String id = "c-" + this.ids.incrementAndGet();
		Map<String, Object> frame = frame("msg", id);
		frame.put("ev", event);
		frame.put("payload", payload);
		write(frame);
		return id;
	}

	/**
	 * Attach to a GUID and wait until the gateway confirms.
	 * @param guid the GUID
	 * @throws AssertionError when the join is refused
	 */
	public void join(String guid) {
		join(guid, null);
	}

	/**
	 * Attach to a GUID, asking for the pushes of its stream after a position, and wait
	 * until the gateway confirms; the missed pushes and a {@code recovered} frame follow.
	 * @param guid the GUID
	 * @param since the last position of the GUID's stream this client had, or
	 * {@code null}
	 * @throws AssertionError when the join is refused
	 */
	public void join(String guid, @Nullable String since) {
		String id = "c-" + this.ids.incrementAndGet();
		Map<String, Object> frame = frame("join", id);
		frame.put("g", guid);
		if (since != null) {
			frame.put("since", since);
		}
		write(frame);
		Frame answer = await("joined " + guid, (candidate) -> id.equals(candidate.get("id")));
		if (!answer.type().equals("joined")) {
			throw new AssertionError("join of " + guid + " was refused: " + answer.fields());
		}
	}

	/**
	 * Detach from a GUID and wait until the gateway confirms.
	 * @param guid the GUID
	 */
	public void leave(String guid) {
		String id = "c-" + this.ids.incrementAndGet();
		Map<String, Object> frame = frame("leave", id);
		frame.put("g", guid);
		write(frame);
		await("left " + guid, (candidate) -> id.equals(candidate.get("id")));
	}

	/**
	 * Acknowledge a push that asked for it ({@code "a":1}).
	 * @param push the push
	 */
	public void ack(Frame push) {
		write(frame("ack", (String) push.get("id")));
	}

	/**
	 * Wait for the gateway to close the connection.
	 * @return the close code and reason
	 */
	public Closed awaitClose() {
		try {
			return this.closed.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("the connection did not close within " + this.timeout, ex);
		}
	}

	/**
	 * The next frame of any type that matches, within the timeout; frames before it are
	 * dropped.
	 * @param what what is awaited, for the failure message
	 * @param condition the condition
	 * @return the frame
	 */
	public Frame await(String what, Predicate<Frame> condition) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		try {
			while (true) {
				Frame frame = this.frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
				if (frame == null) {
					throw new AssertionError("no " + what + " within " + this.timeout
							+ (this.closed.isDone() ? "; the connection closed: " + this.closed.join() : ""));
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

	@Override
	public void close() {
		if (!this.socket.isOutputClosed()) {
			this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally((ex) -> null);
		}
		this.socket.abort();
	}

	private static Map<String, Object> frame(String type, String id) {
		Map<String, Object> frame = new LinkedHashMap<>();
		frame.put("t", type);
		frame.put("id", id);
		return frame;
	}

	private void write(Map<String, Object> frame) {
		boolean hasPayload = frame.containsKey("payload");
		Object payload = frame.remove("payload");
		if (this.protocol == Protocol.JSON) {
			if (hasPayload) {
				frame.put("d", payload);
			}
			this.socket.sendText(JSON.writeValueAsString(frame), true).join();
			return;
		}
		if (hasPayload) {
			frame.put("j", JSON.writeValueAsString(payload));
		}
		try (MessageBufferPacker out = MessagePack.newDefaultBufferPacker()) {
			out.packMapHeader(frame.size());
			for (Map.Entry<String, Object> entry : frame.entrySet()) {
				out.packString(entry.getKey());
				out.packString(String.valueOf(entry.getValue()));
			}
			this.socket.sendBinary(ByteBuffer.wrap(out.toByteArray()), true).join();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Frame decodeJson(String text) {
		@SuppressWarnings("unchecked")
		Map<String, Object> fields = JSON.readValue(text, Map.class);
		Object payload = fields.containsKey("b") ? Base64.getDecoder().decode((String) fields.get("b"))
				: fields.get("d");
		return new Frame(fields, payload);
	}

	private static Frame decodeMessagePack(byte[] bytes) {
		try (MessageUnpacker in = MessagePack.newDefaultUnpacker(bytes)) {
			Map<String, Object> fields = new LinkedHashMap<>();
			in.unpackValue()
				.asMapValue()
				.map()
				.forEach((key, value) -> fields.put(key.asStringValue().asString(), toJava(value)));
			Object payload = fields.containsKey("j") ? JSON.readValue((String) fields.get("j"), Object.class)
					: fields.get("d");
			return new Frame(fields, payload);
		}
		catch (IOException ex) {
			throw new AssertionError("not a MessagePack frame", ex);
		}
	}

	private static @Nullable Object toJava(Value value) {
		return switch (value.getValueType()) {
			case STRING -> value.asStringValue().asString();
			case BINARY -> value.asBinaryValue().asByteArray();
			case INTEGER -> value.asIntegerValue().asLong();
			case BOOLEAN -> value.asBooleanValue().getBoolean();
			case ARRAY -> value.asArrayValue().list().stream().map(PushTestClient::toJava).toList();
			case NIL -> null;
			default -> value.toString();
		};
	}

	/**
	 * The two protocols.
	 */
	public enum Protocol {

		/** {@code push.v1.json}: text frames. */
		JSON("push.v1.json"),

		/** {@code push.v1.msgpack}: binary frames. */
		MESSAGE_PACK("push.v1.msgpack");

		private final String subprotocol;

		Protocol(String subprotocol) {
			this.subprotocol = subprotocol;
		}

	}

	/**
	 * A frame from the gateway.
	 *
	 * @param fields its fields as sent ({@code t}, {@code id}, {@code ev}, ...)
	 * @param payload the payload in either protocol: a JSON value as Java maps, lists,
	 * strings and numbers; text as a string; binary as bytes; {@code null} when none
	 */
	public record Frame(Map<String, Object> fields, @Nullable Object payload) {

		/**
		 * The frame's type ({@code t}).
		 * @return the type
		 */
		public String type() {
			return String.valueOf(this.fields.get("t"));
		}

		/**
		 * One field.
		 * @param name the field
		 * @return its value, or {@code null}
		 */
		public @Nullable Object get(String name) {
			return this.fields.get(name);
		}

	}

	/**
	 * How the connection closed.
	 *
	 * @param code the close code
	 * @param reason the reason
	 */
	public record Closed(int code, String reason) {
	}

	private final class Listener implements WebSocket.Listener {

		private final StringBuilder text = new StringBuilder();

		private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				Frame frame = decodeJson(this.text.toString());
				follow(frame);
				PushTestClient.this.frames.add(frame);
				this.text.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] chunk = new byte[data.remaining()];
			data.get(chunk);
			this.binary.writeBytes(chunk);
			if (last) {
				Frame frame = decodeMessagePack(this.binary.toByteArray());
				follow(frame);
				PushTestClient.this.frames.add(frame);
				this.binary.reset();
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			PushTestClient.this.closed.complete(new Closed(statusCode, reason));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			PushTestClient.this.closed.complete(new Closed(1006, String.valueOf(error.getMessage())));
		}

	}

}
