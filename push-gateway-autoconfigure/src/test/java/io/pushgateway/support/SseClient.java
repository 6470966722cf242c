package io.pushgateway.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import tools.jackson.databind.json.JsonMapper;

/**
 * A Server-Sent Events client over a raw socket, written from {@code docs/protocol.md}
 * and the HTML standard's event stream format: sends the {@code GET} by hand, reads the
 * chunked response and parses events ({@code event}, {@code id}, {@code data} lines,
 * comments) on its own thread. Reading can be paused, to play a client that stops
 * reading. Frames are the events' data decoded as JSON, with the event's name and ID
 * under {@code _event} and {@code _id}.
 *
 * @author Push Gateway team
 */
public final class SseClient implements AutoCloseable {

	private static final JsonMapper JSON = new JsonMapper();

	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final Socket socket;

	private final InputStream in;

	private final int status;

	private final Map<String, String> headers;

	private final String errorBody;

	private final BlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();

	private final CompletableFuture<TestClient.Close> closed = new CompletableFuture<>();

	private final AtomicInteger comments = new AtomicInteger();

	private volatile CountDownLatch paused = new CountDownLatch(0);

	private volatile String session = "";

	private SseClient(Socket socket, InputStream in, int status, Map<String, String> headers, String errorBody) {
		this.socket = socket;
		this.in = in;
		this.status = status;
		this.headers = headers;
		this.errorBody = errorBody;
	}

	/**
	 * Open a stream.
	 * @param port the gateway's port
	 * @param target the request target, such as {@code /ws/sse?access_token=...}
	 * @param headers extra request headers
	 * @return the client, reading events in the background when the status is 200
	 */
	public static SseClient open(int port, String target, Map<String, String> headers) {
		return open(port, target, headers, 0);
	}

	/**
	 * Open a stream with a small receive buffer, so that a paused client soon stops
	 * taking bytes.
	 * @param port the gateway's port
	 * @param target the request target
	 * @param headers extra request headers
	 * @param receiveBuffer the socket's receive buffer, or {@code 0} for the default
	 * @return the client
	 */
	public static SseClient open(int port, String target, Map<String, String> headers, int receiveBuffer) {
		try {
			Socket socket = new Socket();
			if (receiveBuffer > 0) {
				socket.setReceiveBufferSize(receiveBuffer);
			}
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(0);
			StringBuilder request = new StringBuilder(
					"GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
			if (!headers.containsKey("Accept")) {
				request.append("Accept: text/event-stream\r\n");
			}
			headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
			OutputStream out = socket.getOutputStream();
			out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = new BufferedInputStream(socket.getInputStream());
			String statusLine = line(in);
			int status = Integer.parseInt(statusLine.split(" ")[1]);
			Map<String, String> responseHeaders = new LinkedHashMap<>();
			for (String header = line(in); !header.isEmpty(); header = line(in)) {
				int colon = header.indexOf(':');
				responseHeaders.put(header.substring(0, colon).trim().toLowerCase(),
						header.substring(colon + 1).trim());
			}
			InputStream body = "chunked".equalsIgnoreCase(responseHeaders.get("transfer-encoding")) ? new Dechunked(in)
					: in;
			if (status != 200) {
				int length = Integer.parseInt(responseHeaders.getOrDefault("content-length", "-1"));
				byte[] bytes = (length >= 0) ? in.readNBytes(length) : body.readAllBytes();
				socket.close();
				return new SseClient(socket, body, status, responseHeaders, new String(bytes, StandardCharsets.UTF_8));
			}
			SseClient client = new SseClient(socket, body, status, responseHeaders, "");
			Thread reader = new Thread(client::readLoop, "sse-client");
			reader.setDaemon(true);
			reader.start();
			return client;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The response's status.
	 * @return the status
	 */
	public int status() {
		return this.status;
	}

	/**
	 * A response header.
	 * @param name its name, any case
	 * @return the value, or {@code null}
	 */
	public String header(String name) {
		return this.headers.get(name.toLowerCase());
	}

	/**
	 * The body of a refused request.
	 * @return the body
	 */
	public String errorBody() {
		return this.errorBody;
	}

	/**
	 * The session handle from the welcome.
	 * @return the handle
	 */
	public String session() {
		return this.session;
	}

	/**
	 * How many comment lines arrived.
	 * @return the count
	 */
	public int comments() {
		return this.comments.get();
	}

	/**
	 * Stop reading from the socket until {@link #resume()}.
	 */
	public void pause() {
		this.paused = new CountDownLatch(1);
	}

	/**
	 * Read again.
	 */
	public void resume() {
		this.paused.countDown();
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
	 * @param type the {@code t} of the frame
	 * @return the frame
	 */
	public Map<String, Object> next(String type) {
		return next((frame) -> type.equals(frame.get("t")));
	}

	/**
	 * The next frame, waiting at most a while.
	 * @param timeout how long to wait
	 * @return the frame, or {@code null}
	 * @throws InterruptedException if interrupted
	 */
	public Map<String, Object> poll(Duration timeout) throws InterruptedException {
		return this.frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Whether the stream ended.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.closed.isDone();
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
	 * Wait for the stream's {@code close} event (or its end without one, as code -1).
	 * @return the close code and reason
	 */
	public TestClient.Close awaitClose() {
		return this.closed.orTimeout(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
	}

	/**
	 * Post a frame to this stream's session.
	 * @param port the node to post to (any node of the cluster)
	 * @param frame the frame
	 * @return the HTTP status
	 */
	public int send(int port, String frame) {
		return post(port, "/ws/sse/send?session=" + this.session, frame).statusCode();
	}

	/**
	 * Post to a path of a node.
	 * @param port the node's port
	 * @param target the request target
	 * @param body the body
	 * @return the response
	 */
	public static HttpResponse<String> post(int port, String target, String body) {
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		resume();
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	@SuppressWarnings("unchecked")
	private void readLoop() {
		String event = null;
		String id = null;
		StringBuilder data = null;
		try {
			for (String line; (line = lineAfterPause()) != null;) {
				if (line.isEmpty()) {
					if (data != null) {
						Map<String, Object> frame = new LinkedHashMap<>(JSON.readValue(data.toString(), Map.class));
						frame.put("_event", (event != null) ? event : "message");
						if (id != null) {
							frame.put("_id", id);
						}
						accept(frame);
					}
					event = null;
					id = null;
					data = null;
				}
				else if (line.startsWith(":")) {
					this.comments.incrementAndGet();
				}
				else {
					int colon = line.indexOf(':');
					String field = (colon < 0) ? line : line.substring(0, colon);
					String value = (colon < 0) ? "" : line.substring(colon + 1);
					value = value.startsWith(" ") ? value.substring(1) : value;
					switch (field) {
						case "event" -> event = value;
						case "id" -> id = value;
						case "data" ->
							data = (data != null) ? data.append('\n').append(value) : new StringBuilder(value);
						default -> {
						}
					}
				}
			}
			this.closed.complete(new TestClient.Close(-1, "end of stream without a close event"));
		}
		catch (IOException | RuntimeException ex) {
			this.closed.complete(new TestClient.Close(-1, String.valueOf(ex)));
		}
	}

	private void accept(Map<String, Object> frame) {
		if ("welcome".equals(frame.get("t"))) {
			this.session = (String) frame.get("session");
		}
		if ("close".equals(frame.get("t"))) {
			this.closed.complete(new TestClient.Close((Integer) frame.get("code"), (String) frame.get("reason")));
			return;
		}
		this.frames.add(frame);
	}

	private String lineAfterPause() throws IOException {
		try {
			this.paused.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b; (b = this.in.read()) != -1;) {
			if (b == '\n') {
				return line.toString(StandardCharsets.UTF_8);
			}
			line.write(b);
		}
		return null;
	}

	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b; (b = in.read()) != -1 && b != '\n';) {
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

	/** The body of a chunked response. */
	private static final class Dechunked extends InputStream {

		private final InputStream in;

		private int remaining;

		private boolean ended;

		Dechunked(InputStream in) {
			this.in = in;
		}

		@Override
		public int read() throws IOException {
			if (this.ended) {
				return -1;
			}
			if (this.remaining == 0) {
				String size = line(this.in);
				if (size.isEmpty()) {
					size = line(this.in);
				}
				if (size.isEmpty()) {
					this.ended = true;
					return -1;
				}
				this.remaining = Integer.parseInt(size.split(";")[0].trim(), 16);
				if (this.remaining == 0) {
					this.ended = true;
					return -1;
				}
			}
			int b = this.in.read();
			if (b == -1) {
				this.ended = true;
				return -1;
			}
			// the CRLF after a chunk is read with the next size line
			this.remaining--;
			return b;
		}

	}

}
