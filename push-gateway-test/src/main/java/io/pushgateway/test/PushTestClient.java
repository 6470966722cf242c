package io.pushgateway.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

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

	private final AtomicLong ids = new AtomicLong();

	private final FrameInbox inbox;

	private final StreamPositions positions;

	private final GatewaySocket socket;

	private final Frame welcome;

	/* Fresh tokens for the refreshes the gateway asks for; null: none are sent. */
	private final @Nullable Supplier<String> tokens;

	/*
	 * Done once the constructor assigned the socket: the gateway may ask for a refresh as
	 * soon as it registered the connection, before the socket's constructor returned.
	 */
	private final CountDownLatch constructed = new CountDownLatch(1);

	private PushTestClient(URI uri, Protocol protocol, Duration timeout, @Nullable Supplier<String> tokens) {
		FrameInbox inbox = new FrameInbox(timeout);
		StreamPositions positions = new StreamPositions();
		this.inbox = inbox;
		this.positions = positions;
		this.tokens = tokens;
		this.socket = new GatewaySocket(uri, protocol, timeout, (frame) -> {
			positions.follow(frame);
			inbox.add(frame);
			Supplier<String> fresh = this.tokens;
			if (frame.type().equals("refresh") && fresh != null) {
				// the gateway asks for a fresh token before this one expires; answered
				// off the listener's thread, which a send waiting on it would block, and
				// on a thread of its own: the common pool has one thread on two cores,
				// which any task blocked there (the application's, another test's) holds
				Thread answer = new Thread(() -> answerRefresh(fresh, timeout), "push-test-client-refresh");
				answer.setDaemon(true);
				answer.start();
			}
		}, inbox::closed);
		this.constructed.countDown();
		this.welcome = await("welcome", (frame) -> frame.type().equals("welcome"));
	}

	private void answerRefresh(Supplier<String> fresh, Duration timeout) {
		try {
			if (this.constructed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				sendRefresh(fresh.get());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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
		return new PushTestClient(URI.create(url + separator + "access_token=" + token), protocol, timeout, null);
	}

	/**
	 * Connect with a token from a supplier, and answer every {@code refresh} the gateway
	 * sends before the connection's token expires with the supplier's next token, on the
	 * same connection.
	 * @param url the gateway's WebSocket URL
	 * @param tokens the tokens: the first to connect, the next ones to refresh
	 * @param protocol the protocol
	 * @param timeout the bound of every wait
	 * @return the connected client
	 */
	public static PushTestClient connect(String url, Supplier<String> tokens, Protocol protocol, Duration timeout) {
		String separator = url.contains("?") ? "&" : "?";
		return new PushTestClient(URI.create(url + separator + "access_token=" + tokens.get()), protocol, timeout,
				tokens);
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
		return this.positions.position("");
	}

	/**
	 * The position of the last push of a GUID's stream received, or of its last
	 * {@code recovered} frame: what to join it again with as {@code since}.
	 * @param guid the GUID
	 * @return the position, or {@code null} before any
	 */
	public @Nullable String position(String guid) {
		return this.positions.position(guid);
	}

	/**
	 * Assert that every recoverable push so far was the one after the last of its stream
	 * (same epoch, next offset), unless a {@code recovered} frame moved the stream's
	 * position in between: the order the gateway promises per connection.
	 * @throws AssertionError naming each push that broke it
	 */
	public void assertInPositionOrder() {
		this.positions.assertInOrder();
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
		this.socket.send(frame);
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
		this.socket.send(frame);
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
		this.socket.send(frame);
		await("left " + guid, (candidate) -> id.equals(candidate.get("id")));
	}

	/**
	 * Send a fresh token on the connection and wait for the gateway's answer.
	 * @param token the token
	 * @return the {@code refreshed} frame ({@code exp}: the new expiry, epoch ms)
	 * @throws AssertionError when the gateway refused it
	 */
	public Frame refresh(String token) {
		String id = sendRefresh(token);
		Frame answer = await("refresh " + id, (frame) -> id.equals(frame.get("id")));
		if (!answer.type().equals("refreshed")) {
			throw new AssertionError("refresh " + id + " was refused: " + answer.fields());
		}
		return answer;
	}

	private String sendRefresh(String token) {
		String id = "c-" + this.ids.incrementAndGet();
		Map<String, Object> frame = frame("refresh", id);
		frame.put("token", token);
		this.socket.send(frame);
		return id;
	}

	/**
	 * Acknowledge a push that asked for it ({@code "a":1}).
	 * @param push the push
	 */
	public void ack(Frame push) {
		this.socket.send(frame("ack", (String) push.get("id")));
	}

	/**
	 * Wait for the gateway to close the connection.
	 * @return the close code and reason
	 */
	public Closed awaitClose() {
		return this.inbox.awaitClose();
	}

	/**
	 * The next frame of any type that matches, within the timeout; frames before it are
	 * dropped.
	 * @param what what is awaited, for the failure message
	 * @param condition the condition
	 * @return the frame
	 */
	public Frame await(String what, Predicate<Frame> condition) {
		return this.inbox.await(what, condition);
	}

	@Override
	public void close() {
		this.socket.close();
	}

	private static Map<String, Object> frame(String type, String id) {
		Map<String, Object> frame = new LinkedHashMap<>();
		frame.put("t", type);
		frame.put("id", id);
		return frame;
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

		String subprotocol() {
			return this.subprotocol;
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

}
