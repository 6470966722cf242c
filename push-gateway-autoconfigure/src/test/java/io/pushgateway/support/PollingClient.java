package io.pushgateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import tools.jackson.databind.json.JsonMapper;

/**
 * A long-polling client over the JDK's HTTP client: opens a session, polls in a loop on
 * its own thread (or lets the test poll by hand), and decodes batches of both protocols
 * into maps for assertions, like {@link TestClient}.
 *
 * @author Push Gateway team
 */
public final class PollingClient implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private static final JsonMapper JSON = new JsonMapper();

	private final BlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();

	private final CompletableFuture<TestClient.Close> closed = new CompletableFuture<>();

	private final String session;

	private volatile int port;

	private volatile long ack;

	private volatile boolean stopped;

	private final Thread poller;

	private PollingClient(int port, String session, long ack, boolean autoPoll) {
		this.port = port;
		this.session = session;
		this.ack = ack;
		this.poller = new Thread(this::pollLoop, "polling-client-" + session.substring(0, 6));
		this.poller.setDaemon(true);
		if (autoPoll) {
			this.poller.start();
		}
	}

	/**
	 * Open a session, and poll it in the background.
	 * @param port the gateway's port
	 * @param query the open request's query, such as {@code ?access_token=...}
	 * @return the client; its first frame is the welcome
	 */
	public static PollingClient open(int port, String query) {
		return open(port, query, true);
	}

	/**
	 * Open a session.
	 * @param port the gateway's port
	 * @param query the open request's query
	 * @param autoPoll whether to poll in the background
	 * @return the client
	 */
	public static PollingClient open(int port, String query, boolean autoPoll) {
		HttpResponse<byte[]> response = openRaw(port, query);
		if (response.statusCode() != 200) {
			throw new AssertionError("open failed with " + response.statusCode() + ": "
					+ new String(response.body(), StandardCharsets.UTF_8));
		}
		String session = response.headers().firstValue("Push-Session").orElseThrow();
		PollingClient client = new PollingClient(port, session, seq(response), autoPoll);
		client.accept(response);
		return client;
	}

	/**
	 * Send an open request.
	 * @param port the port
	 * @param query the query
	 * @return the response
	 */
	public static HttpResponse<byte[]> openRaw(int port, String query) {
		return call(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ws/poll/open" + query))
			.POST(HttpRequest.BodyPublishers.noBody()));
	}

	/**
	 * The session handle.
	 * @return the handle
	 */
	public String session() {
		return this.session;
	}

	/**
	 * Send the following requests to another node, as a load balancer without sticky
	 * sessions would.
	 * @param port the other node's port
	 */
	public void via(int port) {
		this.port = port;
	}

	/**
	 * Start polling in the background.
	 */
	public void startPolling() {
		this.poller.start();
	}

	/**
	 * One poll, by hand.
	 * @param ack the batch to acknowledge
	 * @return the response; its frames are also queued for {@link #next}
	 */
	public HttpResponse<byte[]> poll(long ack) {
		HttpResponse<byte[]> response = pollRequest(ack, this.port, this.session);
		if (response.statusCode() == 200) {
			accept(response);
		}
		return response;
	}

	/**
	 * A poll with any session handle.
	 * @param ack the ack
	 * @param port the port
	 * @param session the handle
	 * @return the response
	 */
	public static HttpResponse<byte[]> pollRequest(long ack, int port, String session) {
		return call(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/ws/poll?session=" + encode(session) + "&ack=" + ack))
			.timeout(Duration.ofSeconds(60))
			.GET());
	}

	/**
	 * The sequence number in a poll response.
	 * @param response the response
	 * @return the {@code Push-Seq} header
	 */
	public static long seq(HttpResponse<?> response) {
		return Long.parseLong(response.headers().firstValue("Push-Seq").orElseThrow());
	}

	/**
	 * Send one frame.
	 * @param frame the encoded frame
	 * @return the HTTP status
	 */
	public int send(String frame) {
		return send(frame.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Send one frame.
	 * @param frame the encoded frame
	 * @return the HTTP status
	 */
	public int send(byte[] frame) {
		return call(HttpRequest.newBuilder(uri("/send")).POST(HttpRequest.BodyPublishers.ofByteArray(frame)))
			.statusCode();
	}

	/**
	 * The next frame matching a condition; frames before it are dropped.
	 * @param condition the condition
	 * @return the frame
	 */
	public Map<String, Object> next(Predicate<Map<String, Object>> condition) {
		return TestClient.next(this.frames, condition, this.closed);
	}

	/**
	 * The next frame of a type.
	 * @param type the type
	 * @return the frame
	 */
	public Map<String, Object> next(String type) {
		return next((frame) -> type.equals(frame.get("t")));
	}

	/**
	 * The frames received so far, drained.
	 * @return the frames
	 */
	public List<Map<String, Object>> drain() {
		List<Map<String, Object>> drained = new ArrayList<>();
		this.frames.drainTo(drained);
		return drained;
	}

	/**
	 * Wait until a poll reports the session closed.
	 * @return the close code and reason
	 */
	public TestClient.Close awaitClose() {
		return this.closed.orTimeout(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
	}

	/**
	 * End the session and stop polling.
	 * @return the HTTP status of the close request
	 */
	public int end() {
		int status = call(HttpRequest.newBuilder(uri("/close")).POST(HttpRequest.BodyPublishers.noBody())).statusCode();
		return status;
	}

	@Override
	public void close() {
		this.stopped = true;
		this.poller.interrupt();
		if (!this.closed.isDone()) {
			end();
		}
	}

	private void pollLoop() {
		while (!this.stopped && !this.closed.isDone()) {
			HttpResponse<byte[]> response;
			try {
				response = pollRequest(this.ack, this.port, this.session);
			}
			catch (RuntimeException ex) {
				if (!this.stopped) {
					this.closed.complete(new TestClient.Close(-1, String.valueOf(ex)));
				}
				return;
			}
			if (response.statusCode() == 200) {
				accept(response);
			}
			else {
				this.closed.complete(new TestClient.Close(-response.statusCode(),
						new String(response.body(), StandardCharsets.UTF_8)));
			}
		}
	}

	private void accept(HttpResponse<byte[]> response) {
		this.ack = seq(response);
		this.frames.addAll(
				decode(response.body(), response.headers().firstValue("Content-Type").orElse("").contains("msgpack")));
		response.headers()
			.firstValue("Push-Close-Code")
			.ifPresent((code) -> this.closed.complete(new TestClient.Close(Integer.parseInt(code),
					response.headers().firstValue("Push-Close-Reason").orElse(""))));
	}

	/**
	 * Decode a JSON batch.
	 * @param body the batch
	 * @return its frames
	 */
	public static List<Map<String, Object>> decodeJson(byte[] body) {
		return decode(body, false);
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> decode(byte[] body, boolean msgpack) {
		if (!msgpack) {
			return JSON.readValue(body, List.class);
		}
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(body)) {
			List<Map<String, Object>> frames = new ArrayList<>();
			for (Value value : unpacker.unpackValue().asArrayValue()) {
				Map<String, Object> frame = new LinkedHashMap<>();
				value.asMapValue()
					.map()
					.forEach((key, entry) -> frame.put(key.asStringValue().asString(), TestClient.toJava(entry)));
				frame.put("_binary", true);
				frames.add(frame);
			}
			return frames;
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + "/ws/poll" + path + "?session=" + encode(this.session));
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static HttpResponse<byte[]> call(HttpRequest.Builder request) {
		try {
			// longer than any hold time of the tests: a request the server never answers
			// fails the test instead of hanging the build
			return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
