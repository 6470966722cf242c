package io.pushgateway.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import io.pushgateway.core.StreamPosition;

/**
 * A client that behaves like the JavaScript client after a failure: when its connection
 * ends it reconnects, to the next node that answers, with the position of the last push
 * it received ({@code since}, or {@code Last-Event-ID} over Server-Sent Events), so
 * recovery replays what it missed. It records every push ID it receives and counts
 * duplicates.
 *
 * @author Push Gateway team
 */
public final class ResumingClient implements AutoCloseable {

	private static final Duration HEARTBEAT = Duration.ofSeconds(20);

	private final String uid;

	private final List<Integer> ports;

	private final Set<String> received = ConcurrentHashMap.newKeySet();

	private final AtomicInteger duplicates = new AtomicInteger();

	private final AtomicInteger reconnects = new AtomicInteger();

	private final AtomicInteger outOfOrder = new AtomicInteger();

	private final AtomicInteger gaps = new AtomicInteger();

	private final Map<String, Integer> closes = new ConcurrentHashMap<>();

	private final CountDownLatch connected = new CountDownLatch(1);

	private final Thread thread;

	private volatile boolean running = true;

	private volatile String position;

	private volatile Link client;

	private final String transport;

	/** What happened to this client, for a report when it missed a push. */
	private final List<String> history = new CopyOnWriteArrayList<>();

	/** The name of this client in the JavaScript clients' process. */
	private volatile String javascriptKey;

	/** Socket.IO's private session ID, sent back with the offset to recover. */
	private volatile String pid;

	/**
	 * Start a client over WebSocket.
	 * @param uid the user
	 * @param ports the nodes' ports, the first one first
	 */
	public ResumingClient(String uid, List<Integer> ports) {
		this(uid, ports, "websocket");
	}

	/**
	 * Start a client.
	 * @param uid the user
	 * @param ports the nodes' ports, the first one first
	 * @param transport {@code websocket}, {@code sse} (resuming with
	 * {@code Last-Event-ID}), {@code socketio} (a Socket.IO client resuming with its pid
	 * and offset, which receives pushes without their IDs: see {@link #sentId}) or
	 * {@code javascript} (the project's JavaScript client in Node, which reconnects and
	 * resumes by itself: this records what its application sees)
	 */
	public ResumingClient(String uid, List<Integer> ports, String transport) {
		this.transport = transport;
		this.uid = uid;
		this.ports = List.copyOf(ports);
		this.thread = new Thread(transport.equals("javascript") ? this::runJavascript : this::run,
				"resuming-client-" + uid);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		int next = 0;
		while (this.running) {
			Link current = null;
			for (int attempt = 0; attempt < this.ports.size() && current == null && this.running; attempt++) {
				int port = this.ports.get(next % this.ports.size());
				try {
					current = connect(port);
				}
				catch (RuntimeException ex) {
					// that node is gone: the next one
					next++;
				}
			}
			if (current == null) {
				continue;
			}
			this.client = current;
			long lastPing = System.nanoTime();
			try {
				while (this.running) {
					if (System.nanoTime() - lastPing > HEARTBEAT.toNanos() && !current.isClosed()) {
						// a heartbeat, as the JavaScript client sends (the server closes
						// silent connections with 4001)
						try {
							current.ping();
						}
						catch (RuntimeException ex) {
							// closed on our side (reconnect()) while the close handshake
							// runs
							break;
						}
						lastPing = System.nanoTime();
					}
					Map<String, Object> frame = current.poll(Duration.ofMillis(100));
					if (frame == null) {
						if (current.isClosed()) {
							break;
						}
						continue;
					}
					handle(frame);
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			if (this.running) {
				this.reconnects.incrementAndGet();
				this.closes.merge(String.valueOf(current.isClosed() ? current.closeCode() : "open"), 1, Integer::sum);
			}
			next++;
		}
	}

	/* The JavaScript client's application events, read as frames. */
	private void runJavascript() {
		JavascriptClients node = JavascriptClients.get();
		String key = this.uid + "-" + System.identityHashCode(this);
		this.javascriptKey = key;
		BlockingQueue<Map<String, Object>> events = node.open(key,
				this.ports.stream().map((port) -> "ws://127.0.0.1:" + port + "/ws").toList(), Tokens.forUser(this.uid));
		boolean open = false;
		try {
			while (this.running) {
				Map<String, Object> event = events.poll(100, TimeUnit.MILLISECONDS);
				if (event == null) {
					continue;
				}
				Object type = event.get("t");
				if (!"push".equals(type)) {
					this.history.add(System.currentTimeMillis() % 100000 + " js " + event + " at=" + this.position);
				}
				if ("close".equals(type)) {
					if (open) {
						this.reconnects.incrementAndGet();
						this.closes.merge(String.valueOf(event.get("code")), 1, Integer::sum);
					}
					open = false;
				}
				else if ("welcome".equals(type)) {
					open = true;
					handle(event);
				}
				else if ("push".equals(type) || "recovered".equals(type)) {
					handle(event);
				}
			}
		}
		catch (InterruptedException ex) {
			// closed
		}
		finally {
			node.close(key);
		}
	}

	private Link connect(int port) {
		String position = this.position;
		this.history.add(System.currentTimeMillis() % 100000 + " connect " + port + " since=" + position);
		String query = "?access_token=" + Tokens.forUser(this.uid);
		if (this.transport.equals("socketio")) {
			return socketIo(port, position);
		}
		if (this.transport.equals("sse")) {
			SseClient stream = SseClient.open(port, "/ws/sse" + query,
					(position != null) ? Map.of("Last-Event-ID", position) : Map.of());
			if (stream.status() != 200) {
				throw new IllegalStateException("stream refused with " + stream.status());
			}
			// no pings: the server's comments keep a stream that is read alive
			return new Link(stream::poll, stream::isClosed, () -> stream.awaitClose().code(), () -> {
			}, stream::close);
		}
		TestClient socket = TestClient.connect(port, query + ((position != null) ? "&since=" + position : ""),
				"push.v1.json", Map.of());
		return new Link(socket::poll, socket::isClosed, () -> socket.awaitClose().code(),
				() -> socket.send("{\"t\":\"ping\"}"), socket::close);
	}

	/*
	 * A Socket.IO session whose packets are read as the gateway's frames: connect as the
	 * welcome, a load event as a push whose ID is its payload (Socket.IO events carry no
	 * message ID) and whose position is its offset argument.
	 */
	private Link socketIo(int port, String position) {
		String pid = this.pid;
		String auth = "{\"token\":\"" + Tokens.forUser(this.uid) + "\""
				+ ((pid != null && position != null) ? ",\"pid\":\"" + pid + "\",\"offset\":\"" + position + "\"" : "")
				+ "}";
		SocketIoClient socket = SocketIoClient.connect(port, auth);
		boolean[] ended = new boolean[1];
		Poll translated = (timeout) -> {
			Map<String, Object> packet = socket.poll(timeout);
			if (packet == null) {
				return null;
			}
			Object type = packet.get("t");
			if ("connect".equals(type)) {
				this.pid = (String) packet.get("pid");
				return Map.of("t", "welcome");
			}
			if ("event".equals(type) && "load".equals(packet.get("ev"))) {
				List<?> args = (List<?>) packet.get("args");
				Map<String, Object> push = new HashMap<>();
				push.put("t", "push");
				push.put("id", "n" + args.get(0));
				if (args.size() > 1 && args.get(1) instanceof String offset) {
					push.put("p", offset);
				}
				return push;
			}
			if ("close".equals(type) || "connect_error".equals(type)) {
				ended[0] = true;
				socket.close();
			}
			return Map.of("t", "other");
		};
		return new Link(translated, () -> ended[0] || socket.isClosed(),
				() -> (ended[0]) ? 1000 : socket.awaitClose().code(), () -> {
				}, socket::close);
	}

	/**
	 * How this client names a push it should receive: its message ID, or for a Socket.IO
	 * client, whose events carry no message ID, its payload.
	 * @param messageId the push's message ID
	 * @param payload the push's payload, unique in a run
	 * @return the name {@link #received()} holds once it arrived
	 */
	public String sentId(String messageId, int payload) {
		return this.transport.equals("socketio") ? "n" + payload : messageId;
	}

	private void handle(Map<String, Object> frame) {
		Object type = frame.get("t");
		if (!"push".equals(type) && !"other".equals(type)) {
			this.history.add(System.currentTimeMillis() % 100000 + " " + frame + " at=" + this.position);
		}
		if ("welcome".equals(type)) {
			this.connected.countDown();
		}
		else if ("push".equals(type)) {
			boolean duplicate = !this.received.add((String) frame.get("id"));
			if (duplicate) {
				this.duplicates.incrementAndGet();
			}
			if (frame.get("p") instanceof String pushedAt) {
				// the history checker's rule per connection: each push of the stream is
				// the one after the last (a position at or before it, or one that skips
				// offsets no recovered frame announced, is a broken promise)
				StreamPosition next = StreamPosition.parse(pushedAt);
				StreamPosition last = StreamPosition.parse(this.position);
				if (next != null && last != null && next.epoch().equals(last.epoch())) {
					if (next.offset() <= last.offset() && !duplicate) {
						this.outOfOrder.incrementAndGet();
					}
					else if (next.offset() > last.offset() + 1) {
						this.gaps.addAndGet((int) (next.offset() - last.offset() - 1));
					}
				}
				if (last == null || next == null || !next.epoch().equals(last.epoch())
						|| next.offset() > last.offset()) {
					this.position = pushedAt;
				}
			}
		}
		else if ("recovered".equals(type) && frame.get("p") != null && frame.get("g") == null) {
			this.position = (String) frame.get("p");
		}
	}

	/**
	 * Wait for the first welcome.
	 * @return this client
	 * @throws InterruptedException if interrupted
	 */
	public ResumingClient awaitConnected() throws InterruptedException {
		if (!this.connected.await(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
			throw new AssertionError(this.uid + " did not connect");
		}
		return this;
	}

	public String uid() {
		return this.uid;
	}

	public String transport() {
		return this.transport;
	}

	public List<String> history() {
		return this.history;
	}

	public String position() {
		return this.position;
	}

	public Set<String> received() {
		return this.received;
	}

	public int duplicates() {
		return this.duplicates.get();
	}

	public int reconnects() {
		return this.reconnects.get();
	}

	/**
	 * Recoverable pushes that arrived at or before a position this client already had,
	 * and were not duplicates by ID: delivered out of position order.
	 * @return the count
	 */
	public int outOfOrder() {
		return this.outOfOrder.get();
	}

	/**
	 * Offsets a push skipped without a {@code recovered} frame announcing it.
	 * @return the count
	 */
	public int gaps() {
		return this.gaps.get();
	}

	/**
	 * Close the current connection, as a network change would; the client reconnects with
	 * its position to the next node.
	 */
	public void reconnect() {
		if (this.javascriptKey != null) {
			JavascriptClients.get().drop(this.javascriptKey);
			return;
		}
		Link current = this.client;
		if (current != null) {
			current.close();
		}
	}

	/**
	 * How the connections this client replaced ended.
	 * @return close codes and how often
	 */
	public Map<String, Integer> closes() {
		return this.closes;
	}

	@Override
	public void close() {
		this.running = false;
		this.thread.interrupt();
		Link current = this.client;
		if (current != null) {
			current.close();
		}
	}

	/** What the client needs of a connection, whichever the transport. */
	private record Link(Poll poller, BooleanSupplier closed, IntSupplier code, Runnable pinger, Runnable closer) {

		Map<String, Object> poll(Duration timeout) throws InterruptedException {
			return this.poller.poll(timeout);
		}

		boolean isClosed() {
			return this.closed.getAsBoolean();
		}

		int closeCode() {
			return this.code.getAsInt();
		}

		void ping() {
			this.pinger.run();
		}

		void close() {
			this.closer.run();
		}

	}

	@FunctionalInterface
	private interface Poll {

		Map<String, Object> poll(Duration timeout) throws InterruptedException;

	}

}
