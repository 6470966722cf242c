package io.pushgateway.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pushgateway.core.PushOperations;
import io.pushgateway.support.RawWebSocket;
import io.pushgateway.support.SocketIoClient;
import io.pushgateway.support.SseClient;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throws more than 10,000 malformed inputs at a running gateway over real sockets: broken
 * HTTP upgrades, invalid WebSocket framing, invalid UTF-8, truncated, mistyped and
 * oversized JSON and MessagePack envelopes, unknown frame types and floods. Every input
 * gets the answer {@code docs/protocol.md} documents for it (an HTTP status, a close code
 * or an error frame), and after every batch the gateway still accepts connections and a
 * connection that behaved all along still receives pushes.
 *
 * <p>
 * Inputs come from a seeded random generator; the seed is printed and can be set with
 * {@code -Dpush.gateway.fuzz.seed=...} to repeat a run.
 *
 * @author Push Gateway team
 */
class FuzzEndToEndTests {

	private static final int MAX_FRAME = 8 * 1024;

	private static final long SEED = Long.getLong("push.gateway.fuzz.seed", System.nanoTime());

	private static TestGateway gateway;

	private static TestClient bystander;

	private static String token;

	private final Map<String, Map<String, AtomicInteger>> answers = new TreeMap<>();

	@BeforeAll
	static void startGateway() {
		gateway = TestGateway.start(Map.of("push.gateway.websocket.max-frame-size", MAX_FRAME + "B",
				"push.gateway.limits.max-messages-per-second", 200,
				// every input connects as the same user, eight at a time
				"push.gateway.limits.max-connections-per-user", 0, "push.gateway.socketio.enabled", true,
				// the bystander never pings: on a loaded machine the run outlasts the
				// default heartbeat timeout, which is not what this test is about
				"push.gateway.heartbeat.timeout", "30m", "push.gateway.http-api.enabled", true,
				"push.gateway.http-api.token", "fuzz-api-token", "push.gateway.console.enabled", true));
		token = Tokens.forUser("fuzzer");
		bystander = TestClient.connect(gateway.port(), Tokens.forUser("bystander"));
		bystander.next("welcome");
		System.out.println("FuzzEndToEndTests seed: " + SEED);
	}

	@AfterAll
	static void stopGateway() {
		bystander.close();
		gateway.close();
	}

	@Test
	void everyMalformedInputGetsItsDocumentedAnswerAndNobodyElseSuffers() throws Exception {
		// bad input must not be able to flood the log with errors either
		Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
		ListAppender<ILoggingEvent> log = new ListAppender<>();
		log.start();
		root.addAppender(log);
		try {
			throwEverything();
		}
		finally {
			root.detachAppender(log);
		}
		assertThat(log.list.stream().filter((event) -> event.getLevel().isGreaterOrEqual(Level.ERROR)))
			.as("errors logged")
			.isEmpty();
	}

	private void throwEverything() throws Exception {
		Random random = new Random(SEED);
		int total = 0;
		total += batch("bad upgrade", 1000, Set.of("400", "401", "404", "426", "closed 10"),
				() -> badUpgrade(random.nextLong()));
		total += batch("invalid framing", 1500, Set.of("close 1002", "closed after an invalid close code"),
				() -> badFraming(random.nextLong()));
		total += batch("invalid UTF-8", 800, Set.of("close 1007"), () -> invalidUtf8(random.nextLong()));
		total += batch("malformed JSON envelope", 2500, Set.of("close 4000"), () -> badJson(random.nextLong()));
		total += batch("oversized frame", 300, Set.of("close 1009"), () -> oversized(random.nextLong()));
		total += batch("unknown type", 1000, Set.of("error 4400, still open"), () -> unknownType(random.nextLong()));
		total += batch("malformed MessagePack envelope", 2500, Set.of("close 4000"),
				() -> badMessagePack(random.nextLong()));
		total += batch("wrong frame kind", 400, Set.of("close 1003"), () -> wrongKind(random.nextLong()));
		total += batch("flood", 60, Set.of("close 4008"), this::flood);
		total += batch("bad Server-Sent Events request", 1000, Set.of("400", "401", "403", "404", "406", "411", "413"),
				() -> badSse(random.nextLong()));
		total += batch("malformed frame posted to a stream", 300, Set.of("close 4000"),
				() -> badSsePost(random.nextLong()));
		total += batch("bad Engine.IO request", 800, Set.of("400", "403"), () -> badEngineIo(random.nextLong()));
		total += batch("malformed Socket.IO packet", 600, Set.of("gateway:close 4000"),
				() -> badSocketIo(random.nextLong()));
		System.out.println("FuzzEndToEndTests answers: " + this.answers);
		assertThat(total).isGreaterThanOrEqualTo(10_000);
	}

	/**
	 * Runs one kind of input many times on several threads, checks every answer, and then
	 * that the gateway is fine.
	 */
	private int batch(String kind, int count, Set<String> expected, Supplier<Supplier<String>> input) throws Exception {
		List<Supplier<String>> inputs = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			inputs.add(input.get());
		}
		Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
		List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (Supplier<String> each : inputs) {
				futures.add(pool.submit(() -> {
					String answer = each.get();
					seen.computeIfAbsent(answer, (key) -> new AtomicInteger()).incrementAndGet();
					if (!expected.contains(answer)) {
						unexpected.add(answer);
					}
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			pool.shutdown();
		}
		this.answers.put(kind, new TreeMap<>(seen));
		assertThat(unexpected).as(kind + " (seed " + SEED + "): answers " + seen).isEmpty();
		gatewayIsFine(kind);
		return count;
	}

	private static void gatewayIsFine(String after) {
		gateway.bean(PushOperations.class).pushToUser("bystander", "after", after).block();
		assertThat(bystander.next("push")).as("the bystander after " + after).containsEntry("d", after);
		try (TestClient fresh = TestClient.connect(gateway.port(), Tokens.forUser("fresh"))) {
			assertThat(fresh.next("welcome")).containsKey("sid");
		}
		assertThat(bystander.isClosed()).isFalse();
	}

	// the inputs: each returns the task that sends it and describes the answer

	private Supplier<String> badUpgrade(long seed) {
		Random random = new Random(seed);
		int port = gateway.port();
		int kind = random.nextInt(11);
		String request = switch (kind) {
			case 0 -> RawWebSocket.request(port, "/ws?access_token=" + token, "push.v1.json", "13", false);
			// only RFC 6455 (13): Netty's drafts 07 and 08 are refused too
			case 1 -> RawWebSocket.request(port, "/ws?access_token=" + token, "push.v1.json",
					new String[] { "1", "7", "8", "12", "14", "99", "x", "" }[random.nextInt(8)], true);
			case 2 ->
				RawWebSocket.request(port, "/ws?access_token=" + mutate(token, random), "push.v1.json", "13", true);
			case 3 -> RawWebSocket.request(port, "/ws", "push.v1.json", "13", true);
			case 4 ->
				RawWebSocket.request(port, "/ws?access_token=" + token, "push.v9." + random.nextInt(99), "13", true);
			case 5 -> "GET /ws?access_token=" + token + " HTTP/1.1\r\nHost: x\r\n\r\n";
			case 6 -> RawWebSocket.request(port, "/" + randomText(random, 1 + random.nextInt(20)), null, "13", true);
			case 7 -> "POST /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Content-Length: 0\r\n\r\n";
			case 8 -> RawWebSocket.request(port, "/ws?access_token=" + token + "&since=%" + randomText(random, 1),
					"push.v1.json", "13", true);
			case 9 -> RawWebSocket.request(port,
					new String[] { "/ws%", "/ws/poll/%Q", "/push-api/%zz", "/\"x", "/%", "/push-api/bans/users/%zz",
							"/push-api/bans/users/a/tokens/%E0%A4?until=%", "/push-api/connections/users/%zz",
							"/push-api/connections/guids/a?limit=%&cursor=%E0",
							"/push-api/connections/users/a?limit=99999999999999&cursor=-" }[random.nextInt(10)],
					null, "13", true);
			default -> randomText(random, 1 + random.nextInt(200)) + "\r\n\r\n";
		};
		return () -> {
			try (RawWebSocket socket = RawWebSocket.open(port)) {
				socket.write(request.getBytes(StandardCharsets.ISO_8859_1));
				int status = socket.readStatus();
				// a request that is not HTTP at all (kind 10) may be closed unanswered
				return (status < 0) ? "closed " + kind
						: Integer.toString(status) + ((status >= 500) ? " " + request : "");
			}
			catch (IOException ex) {
				return "closed";
			}
		};
	}

	private Supplier<String> badFraming(long seed) {
		Random random = new Random(seed);
		int kind = random.nextInt(8);
		byte[] payload = randomBytes(random, random.nextInt(100));
		return onSocket("push.v1.json", (socket) -> {
			switch (kind) {
				case 0 -> socket.frame(true, 1 + random.nextInt(7), 1, true, "{\"t\":\"ping\"}".getBytes());
				case 1 -> socket.frame(true, 0, new int[] { 3, 4, 5, 6, 7, 11, 12, 13, 14, 15 }[random.nextInt(10)],
						true, payload);
				case 2 -> socket.frame(true, 0, 1, false, "{\"t\":\"ping\"}".getBytes());
				case 3 -> socket.frame(false, 0, 9, true, payload);
				case 4 -> socket.frame(true, 0, 9, true, randomBytes(random, 126 + random.nextInt(200)));
				case 5 -> socket.frame(true, 0, 0, true, payload);
				case 6 -> {
					socket.frame(false, 0, 1, true, "{\"t\":".getBytes());
					socket.frame(true, 0, 1, true, "\"ping\"}".getBytes());
				}
				default -> socket.frame(true, 0, 8, true, new byte[] { 3, (byte) 0xE7, 'x' });
			}
			String answer = closeAnswer(socket);
			// a close frame with an invalid status code ends the connection without a
			// close frame in reply (Reactor Netty); every other violation gets 1002
			return (kind == 7) ? answer + " after an invalid close code" : answer;
		});
	}

	private Supplier<String> invalidUtf8(long seed) {
		Random random = new Random(seed);
		byte[][] invalid = { { (byte) 0xC3 }, { (byte) 0xFF }, { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
				{ (byte) 0xC0, (byte) 0xAF }, { (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80 } };
		byte[] prefix = "{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"echo\",\"d\":\"".getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(prefix, 0, random.nextInt(prefix.length + 1));
		frame.writeBytes(invalid[random.nextInt(invalid.length)]);
		frame.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
		byte[] bytes = frame.toByteArray();
		return onSocket("push.v1.json", (socket) -> {
			socket.frame(true, 0, 1, true, bytes);
			return closeAnswer(socket);
		});
	}

	private Supplier<String> badJson(long seed) {
		String text = malformedJson(new Random(seed));
		return onSocket("push.v1.json", (socket) -> {
			socket.text(text);
			return closeAnswer(socket);
		});
	}

	private static String malformedJson(Random random) {
		String[] valid = { "{\"t\":\"ping\"}", "{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"echo\",\"d\":{\"a\":[1,2]}}",
				"{\"t\":\"join\",\"id\":\"2\",\"g\":\"open-doc\"}", "{\"t\":\"ack\",\"id\":\"123\"}",
				"{\"t\":\"refresh\",\"id\":\"3\",\"token\":\"a.b.c\"}" };
		String text = switch (random.nextInt(6)) {
			case 0 -> {
				String envelope = valid[random.nextInt(valid.length)];
				yield envelope.substring(0, 1 + random.nextInt(envelope.length() - 1));
			}
			case 1 -> "x" + randomText(random, random.nextInt(60));
			case 2 ->
				new String[] { "[]", "123", "\"ping\"", "null", "true", "{}", "{\"id\":\"1\"}" }[random.nextInt(7)];
			case 3 -> new String[] { "{\"t\":1}", "{\"t\":null}", "{\"t\":\"msg\",\"id\":5,\"ev\":\"echo\",\"d\":1}",
					"{\"t\":\"msg\",\"id\":\"1\",\"ev\":[],\"d\":1}", "{\"t\":\"join\",\"id\":\"1\",\"g\":{}}",
					"{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"echo\",\"b\":\"***\"}", "{\"t\":\"ping\"} trailing",
					"{\"t\":\"ping\",}", "{\"t\":\"refresh\",\"id\":\"4\"}",
					"{\"t\":\"refresh\",\"id\":\"5\",\"token\":7}",
					"{\"t\":\"refresh\",\"id\":\"6\",\"token\":[]}" }[random.nextInt(11)];
			case 4 -> "{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"echo\",\"d\":" + "[".repeat(2000 + random.nextInt(1000))
					+ "]".repeat(10) + "}";
			default ->
				"{\"t\":\"msg\",\"id\":\"" + "i".repeat(300 + random.nextInt(500)) + "\",\"ev\":\"echo\",\"d\":1}";
		};
		return text;
	}

	private Supplier<String> badSse(long seed) {
		Random random = new Random(seed);
		int port = gateway.port();
		String head = " HTTP/1.1\r\nHost: x\r\n";
		String stream = "GET /ws/sse?access_token=" + token;
		int kind = random.nextInt(12);
		String request = switch (kind) {
			case 0 -> "GET /ws/sse?access_token=" + mutate(token, random) + head + "\r\n";
			case 1 -> "GET /ws/sse" + head + "Accept: text/event-stream\r\n\r\n";
			case 2 -> stream + "&since="
					+ (random.nextBoolean() ? "x" + Long.toHexString(random.nextLong()) : "%" + randomText(random, 1))
					+ head + "\r\n";
			case 3 -> stream + "&events=" + Long.toHexString(random.nextLong()) + head + "\r\n";
			case 4 -> stream + head + "Accept: "
					+ new String[] { "application/json", "image/png", "text/html", "" }[random.nextInt(4)] + "\r\n\r\n";
			case 5 -> stream + head + "Origin: https://" + Long.toHexString(random.nextLong()) + ".example\r\n\r\n";
			case 6 -> "POST /ws/sse/send?session=" + randomText(random, random.nextInt(40)) + head
					+ "Content-Length: 2\r\n\r\n{}";
			case 7 -> "POST /ws/sse/send?session=" + random.nextInt(Integer.MAX_VALUE) + ".s3cret.bm9kZS0w" + head
					+ "Content-Length: 2\r\n\r\n{}";
			case 8 -> "POST /ws/sse/send?session=1.a.bm9kZS0w" + head + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
			case 9 -> "POST /ws/sse/send?session=1.a.bm9kZS0w" + head + "Content-Length: "
					+ (MAX_FRAME + 1 + random.nextInt(MAX_FRAME)) + "\r\n\r\n";
			case 10 -> "GET /ws/sse/" + Long.toHexString(random.nextLong()) + head + "\r\n";
			default -> new String[] { "DELETE", "PUT", "PATCH" }[random.nextInt(3)] + " /ws/sse" + head
					+ "Content-Length: 0\r\n\r\n";
		};
		return () -> status(port, request, kind);
	}

	private Supplier<String> badEngineIo(long seed) {
		Random random = new Random(seed);
		int port = gateway.port();
		String head = " HTTP/1.1\r\nHost: x\r\n";
		int kind = random.nextInt(9);
		String request = switch (kind) {
			case 0 -> "GET /socket.io/?transport=polling" + head + "\r\n";
			case 1 -> "GET /socket.io/?EIO=" + random.nextInt(10) % 4 + "&transport=polling" + head + "\r\n";
			case 2 -> "GET /socket.io/?EIO=4&transport=" + Long.toHexString(random.nextLong()) + head + "\r\n";
			case 3 -> "GET /socket.io/?EIO=4&transport=polling&sid=" + randomText(random, 1 + random.nextInt(40)) + head
					+ "\r\n";
			case 4 -> "POST /socket.io/?EIO=4&transport=polling" + head + "Content-Length: 2\r\n\r\n40";
			case 5 -> "POST /socket.io/?EIO=4&transport=polling&sid=" + random.nextInt(Integer.MAX_VALUE)
					+ ".s3cret.bm9kZS0w" + head + "Content-Length: 2\r\n\r\n40";
			case 6 -> "GET /socket.io/?EIO=4&transport=websocket&sid=1.a.bm9kZS0w" + head
					+ "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
			case 7 -> "GET /socket.io/?EIO=4&transport=polling" + head + "Origin: https://"
					+ Long.toHexString(random.nextLong()) + ".example\r\n\r\n";
			default -> "GET /socket.io/?EIO=4&transport=polling&sid=" + random.nextInt(Integer.MAX_VALUE) + "."
					+ Long.toHexString(random.nextLong()) + ".bm9kZS0w" + head + "\r\n";
		};
		return () -> status(port, request, kind);
	}

	private Supplier<String> badSocketIo(long seed) {
		Random random = new Random(seed);
		String packet = switch (random.nextInt(6)) {
			case 0, 1 -> "42" + malformedJson(random);
			case 2 ->
				"42" + new String[] { "[]", "[1]", "{}", "[\"join\"]", "[\"join\",5]", "[\"leave\",\"\"]", "\"x\"",
						"[\"" + "e".repeat(129) + "\"]", "[\"gateway:refresh\"]", "[\"gateway:refresh\",{}]" }[random
							.nextInt(10)];
			case 3 -> "42/" + Long.toHexString(random.nextLong()) + ",[\"echo\",1]";
			case 4 -> "45" + new String[] { "x-", "3-", "-1-", "" }[random.nextInt(4)] + "[\"echo\",1]";
			default -> new String[] { "7", "x", "9hello", "b***" }[random.nextInt(4)];
		};
		return () -> {
			try (SocketIoClient client = SocketIoClient.connect(gateway.port(), "{\"token\":\"" + token + "\"}")) {
				client.next("connect");
				client.send(packet);
				List<?> args = (List<?>) client.nextEvent("gateway:close").get("args");
				return "gateway:close " + ((Map<?, ?>) args.get(0)).get("code");
			}
		};
	}

	/* Sends a raw HTTP request; the answer is its status, or how the connection ended. */
	private static String status(int port, String request, int kind) {
		try (RawWebSocket socket = RawWebSocket.open(port)) {
			socket.write(request.getBytes(StandardCharsets.ISO_8859_1));
			int status = socket.readStatus();
			return (status < 0) ? "closed " + kind : Integer.toString(status) + ((status >= 500) ? " " + request : "");
		}
		catch (IOException ex) {
			return "closed " + kind;
		}
	}

	private Supplier<String> badSsePost(long seed) {
		String text = malformedJson(new Random(seed));
		return () -> {
			try (SseClient stream = SseClient.open(gateway.port(), "/ws/sse?access_token=" + token, Map.of())) {
				stream.next("welcome");
				int status = stream.send(gateway.port(), text);
				return (status != 204) ? Integer.toString(status) : "close " + stream.awaitClose().code();
			}
		};
	}

	private Supplier<String> oversized(long seed) {
		Random random = new Random(seed);
		boolean fragmented = random.nextBoolean();
		int size = MAX_FRAME + 1 + random.nextInt(MAX_FRAME);
		return onSocket("push.v1.json", (socket) -> {
			byte[] body = "{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"echo\",\"d\":\"".concat("z".repeat(size))
				.concat("\"}")
				.getBytes(StandardCharsets.UTF_8);
			if (fragmented) {
				int half = body.length / 2;
				socket.frame(false, 0, 1, true, Arrays.copyOfRange(body, 0, half));
				socket.frame(true, 0, 0, true, Arrays.copyOfRange(body, half, body.length));
			}
			else {
				socket.frame(true, 0, 1, true, body);
			}
			return closeAnswer(socket);
		});
	}

	private Supplier<String> unknownType(long seed) {
		Random random = new Random(seed);
		String type = "x-" + Long.toHexString(random.nextLong());
		return onSocket("push.v1.json", (socket) -> {
			socket.text("{\"t\":\"" + type + "\",\"id\":\"u1\"}");
			String error = socket.nextText();
			if (error == null || !error.contains("\"t\":\"error\"") || !error.contains("4400")) {
				return "unexpected " + error;
			}
			socket.text("{\"t\":\"ping\"}");
			String pong = socket.nextText();
			return (pong != null && pong.contains("pong")) ? "error 4400, still open" : "no pong: " + pong;
		});
	}

	private Supplier<String> badMessagePack(long seed) {
		Random random = new Random(seed);
		byte[] bytes;
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			switch (random.nextInt(5)) {
				case 0 -> {
					packer.packMapHeader(4).packString("t").packString("msg").packString("id").packString("1");
					packer.packString("ev").packString("echo").packString("d").packBinaryHeader(8);
					packer.writePayload(randomBytes(random, 8));
					byte[] whole = packer.toByteArray();
					bytes = Arrays.copyOf(whole, 1 + random.nextInt(whole.length - 1));
				}
				case 1 -> bytes = randomBytes(random, 1 + random.nextInt(64));
				case 2 -> {
					packer.packArrayHeader(1).packString("ping");
					bytes = packer.toByteArray();
				}
				case 3 -> {
					packer.packMapHeader(1).packString("t").packInt(random.nextInt());
					bytes = packer.toByteArray();
				}
				default -> {
					packer.packMapHeader(1).packString("t").packString("ping");
					packer.packInt(random.nextInt(100));
					bytes = packer.toByteArray();
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		byte[] frame = bytes;
		return onSocket("push.v1.msgpack", (socket) -> {
			socket.frame(true, 0, 2, true, frame);
			return closeAnswer(socket);
		});
	}

	private Supplier<String> wrongKind(long seed) {
		boolean json = new Random(seed).nextBoolean();
		return onSocket(json ? "push.v1.json" : "push.v1.msgpack", (socket) -> {
			if (json) {
				socket.frame(true, 0, 2, true, "{\"t\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
			}
			else {
				socket.text("{\"t\":\"ping\"}");
			}
			return closeAnswer(socket);
		});
	}

	private Supplier<String> flood() {
		return onSocket("push.v1.json", (socket) -> {
			try {
				for (int i = 0; i < 1000; i++) {
					socket.text("{\"t\":\"ping\"}");
				}
			}
			catch (IOException ex) {
				return "write failed: " + ex.getMessage();
			}
			return closeAnswer(socket);
		});
	}

	private Supplier<String> onSocket(String subprotocol, SocketTask task) {
		return () -> {
			try (RawWebSocket socket = RawWebSocket.upgrade(gateway.port(), token, subprotocol)) {
				String welcome = socket.nextText();
				if (welcome == null || !welcome.contains("welcome")) {
					return "no welcome";
				}
				return task.run(socket);
			}
			catch (IOException ex) {
				return "failed: " + ex.getMessage();
			}
		};
	}

	private static String closeAnswer(RawWebSocket socket) throws IOException {
		int code = socket.awaitClose();
		return switch (code) {
			case -1 -> "still open";
			case -2 -> "reset";
			case 0 -> "closed";
			default -> "close " + code;
		};
	}

	private static byte[] randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

	private static String randomText(Random random, int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			text.append((char) (33 + random.nextInt(94)));
		}
		return text.toString();
	}

	/**
	 * A token with one character of its claims changed: the signature no longer matches
	 * (a change in the signature's last character may only touch unused bits).
	 */
	private static String mutate(String token, Random random) {
		char[] chars = token.toCharArray();
		int claims = token.indexOf('.') + 1;
		int at = claims + random.nextInt(token.indexOf('.', claims) - claims);
		chars[at] = (chars[at] == 'A') ? 'B' : 'A';
		return new String(chars);
	}

	// helpers

	private interface SocketTask {

		String run(RawWebSocket socket) throws IOException;

	}

}
