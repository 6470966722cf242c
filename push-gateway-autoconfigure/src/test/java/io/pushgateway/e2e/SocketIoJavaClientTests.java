package io.pushgateway.e2e;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.pushgateway.core.AckResult;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushTarget;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The official Socket.IO Java client ({@code io.socket:socket.io-client} 2.1.2, the
 * client of Android and JVM apps) against the gateway, used as docs/socketio.md shows:
 * connect with a token, pushes, acknowledged pushes (ack IDs it reads as a 32-bit
 * {@code int}), emits with acks, rooms, binary both ways, recovery by the offset kept in
 * its {@code auth} map, and the node's shutdown.
 *
 * @author Push Gateway team
 */
class SocketIoJavaClientTests {

	private static TestGateway gateway;

	private static PushOperations push;

	private final List<Socket> sockets = new ArrayList<>();

	@BeforeAll
	static void startGateway() {
		// a short heartbeat: this client learns that a WebSocket ended by its ping
		// timeout
		gateway = TestGateway.start(Map.of("push.gateway.socketio.enabled", true, "push.gateway.recovery.enabled", true,
				"push.gateway.recovery.all-pushes", true, "push.gateway.heartbeat.interval", "1s",
				"push.gateway.heartbeat.timeout", "3s"));
		push = gateway.bean(PushOperations.class);
	}

	@AfterAll
	static void stopGateway() {
		gateway.close();
	}

	@AfterEach
	void closeSockets() {
		this.sockets.forEach(Socket::close);
	}

	/**
	 * A client as docs/socketio.md sets one up on the JVM: the token in a mutable auth
	 * map.
	 */
	private Socket socket(Map<String, String> auth, String... transports) {
		IO.Options options = IO.Options.builder()
			.setAuth(auth)
			.setReconnection(false)
			.setTransports((transports.length > 0) ? transports : null)
			.build();
		Socket socket = IO.socket(URI.create("http://127.0.0.1:" + gateway.port()), options);
		this.sockets.add(socket);
		return socket;
	}

	/** Every call of a listener, its arguments. */
	private static BlockingQueue<Object[]> on(Socket socket, String event) {
		BlockingQueue<Object[]> calls = new LinkedBlockingQueue<>();
		socket.on(event, calls::add);
		return calls;
	}

	private static Object[] next(BlockingQueue<Object[]> calls) throws InterruptedException {
		Object[] args = calls.poll(10, TimeUnit.SECONDS);
		assertThat(args).as("a call within 10 s").isNotNull();
		return args;
	}

	private static Object[] emit(Socket socket, String event, Object... args) throws InterruptedException {
		BlockingQueue<Object[]> answer = new LinkedBlockingQueue<>();
		socket.emit(event, args, (Ack) answer::add);
		return next(answer);
	}

	/**
	 * A listener's arguments as docs/socketio.md has JVM clients read them: events
	 * received before {@code connect} (recovered pushes) come from this client's buffer
	 * with the event's name as their first argument.
	 */
	private static Object[] arguments(String event, Object[] args) {
		return (args.length > 0 && event.equals(args[0])) ? Arrays.copyOfRange(args, 1, args.length) : args;
	}

	@Test
	void theJavaClientConnectsPushesAcknowledgesJoinsRecoversAndIsShutDown() throws Exception {
		String uid = "java-" + UUID.randomUUID();
		Map<String, String> auth = new ConcurrentHashMap<>(Map.of("token", Tokens.forUser(uid), "pid", "java"));
		Socket socket = socket(auth, "websocket");
		BlockingQueue<Object[]> connects = on(socket, Socket.EVENT_CONNECT);
		BlockingQueue<Object[]> shipped = on(socket, "order.shipped");
		BlockingQueue<Object[]> inRoom = on(socket, "in-room");
		BlockingQueue<Object[]> files = on(socket, "file");
		BlockingQueue<Object[]> missed = on(socket, "missed");
		BlockingQueue<Object[]> closes = on(socket, "gateway:close");
		BlockingQueue<Object[]> disconnects = on(socket, Socket.EVENT_DISCONNECT);
		// the documented recovery: keep the last offset (a push's last argument) in the
		// auth map the client sends with every CONNECT
		socket.onAnyIncoming((args) -> {
			if (args.length > 2 && args[args.length - 1] instanceof String offset
					&& !(args[0] instanceof String e && e.startsWith("gateway:"))) {
				auth.put("offset", offset);
			}
		});
		// an acknowledged push: the listener's last argument is the ack
		socket.on("confirm", (args) -> ((Ack) args[args.length - 1]).call());
		socket.connect();
		next(connects);
		long socketId = Long.parseLong(socket.id());
		await().until(() -> gateway.bean(LocalHub.class).connection(socketId) != null);

		push.pushToUser(uid, "order.shipped", Map.of("order", "o-1")).block();
		assertThat(((JSONObject) next(shipped)[0]).getString("order")).isEqualTo("o-1");

		// ack IDs past what a 32-bit int holds were dropped by this client; each of these
		// is acknowledged by the socket
		List<CompletableFuture<AckResult>> results = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			// an AckResult completes when the timeout has passed
			results.add(push.pushWithAck(PushTarget.user(uid), "confirm", Map.of("n", i), Duration.ofSeconds(3))
				.toFuture());
		}
		for (CompletableFuture<AckResult> result : results) {
			assertThat(result.get(10, TimeUnit.SECONDS).acknowledged()).containsExactly(socketId);
		}

		assertThat(((JSONObject) emit(socket, "echo", new JSONObject(Map.of("n", 1)))[0]).getInt("n")).isEqualTo(1);
		assertThat(((JSONObject) emit(socket, "nobody-handles-this", 1)[0]).getJSONObject("error").getInt("code"))
			.isEqualTo(4404);

		String room = "open-" + UUID.randomUUID();
		assertThat(((JSONObject) emit(socket, "join", room)[0]).getString("guid")).isEqualTo(room);
		push.pushToGuid(room, "in-room", "text").block();
		assertThat(next(inRoom)[0]).isEqualTo("text");

		push.pushToUser(uid, "file", new byte[] { 1, 2, 3 }).block();
		assertThat((byte[]) next(files)[0]).containsExactly(1, 2, 3);
		assertThat((byte[]) emit(socket, "echo", (Object) new byte[] { 9, 8 })[0]).containsExactly(9, 8);

		// recovery: pushes while the client is away come when it connects again
		await().until(() -> auth.containsKey("offset"));
		socket.disconnect();
		assertThat(next(disconnects)[0]).isEqualTo("io client disconnect");
		await().until(() -> gateway.bean(LocalHub.class).connectionsOf(uid).isEmpty());
		push.pushToUser(uid, "missed", 1).block();
		push.pushToUser(uid, "missed", 2).block();
		socket.connect();
		// they come before the CONNECT answer, as from Socket.IO's own server; this
		// client buffers them and hands them over with the event's name first
		assertThat(arguments("missed", next(missed))[0]).isEqualTo(1);
		assertThat(arguments("missed", next(missed))[0]).isEqualTo(2);
		next(connects);

		// the node's shutdown: gateway:close 1012, then the WebSocket's close, which this
		// client does not complete (engine.io-client-java has no onClosing): it learns
		// that the session ended when the pings stop, as docs/socketio.md says
		gateway.close();
		assertThat(((JSONObject) next(closes)[0]).getInt("code")).isEqualTo(1012);
		assertThat(next(disconnects)[0]).isEqualTo("ping timeout");
	}

}
