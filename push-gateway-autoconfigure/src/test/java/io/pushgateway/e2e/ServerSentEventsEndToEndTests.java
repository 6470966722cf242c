package io.pushgateway.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.SseClient;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Server-Sent Events on one node, over a raw socket and with {@code curl -N}, following
 * {@code docs/protocol.md}: the same admission, targets, upstream messages, recovery and
 * limits as a WebSocket; heartbeat comments; {@code Last-Event-ID}; the close event.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class ServerSentEventsEndToEndTests {

	private static TestGateway gateway;

	private static PushOperations push;

	private final List<SseClient> clients = new ArrayList<>();

	@BeforeAll
	static void startGateway() {
		gateway = TestGateway.start(Map.of("push.gateway.websocket.max-frame-size", "8KB",
				"push.gateway.websocket.max-queued-size", "64KB", "push.gateway.websocket.close-timeout", "20s",
				"push.gateway.heartbeat.interval", "400ms", "push.gateway.heartbeat.timeout", "2s",
				"push.gateway.recovery.enabled", true, "push.gateway.limits.max-connections-per-user", 1));
		push = gateway.bean(PushOperations.class);
	}

	@AfterAll
	static void stopGateway() {
		gateway.close();
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(SseClient::close);
	}

	private SseClient open(String query, Map<String, String> headers) {
		SseClient client = SseClient.open(gateway.port(), "/ws/sse" + query, headers);
		this.clients.add(client);
		return client;
	}

	private SseClient open(String uid) {
		SseClient client = open("?access_token=" + Tokens.forUser(uid), Map.of());
		assertThat(client.status()).isEqualTo(200);
		client.next("welcome");
		return client;
	}

	private static String uid() {
		return "user-" + UUID.randomUUID();
	}

	@Test
	void streamIsAConnectionLikeAnyOther() {
		String uid = uid();
		String guid = "open-" + UUID.randomUUID();
		SseClient client = open("?access_token=" + Tokens.forUser(uid) + "&guid=" + guid, Map.of());
		assertThat(client.status()).isEqualTo(200);
		assertThat(client.header("Content-Type")).startsWith("text/event-stream");
		assertThat(client.header("Cache-Control")).isEqualTo("no-store");
		Map<String, Object> welcome = client.next("welcome");
		assertThat(welcome).containsEntry("_event", "welcome")
			.containsEntry("uid", uid)
			.containsEntry("g", List.of(guid))
			.containsKey("session");
		long sid = Long.parseLong((String) welcome.get("sid"));
		assertThat(gateway.bean(LocalHub.class).connection(sid)).isNotNull();
		assertThat(gateway.bean(PresenceOperations.class).socketsOf(uid).block()).extracting(SocketPresence::socketId)
			.containsExactly(sid);
		push.pushRecoverable(PushTarget.user(uid), "order.shipped", Map.of("order", 7)).block();
		Map<String, Object> toUser = client.next("push");
		assertThat(toUser).containsEntry("_event", "order.shipped")
			.containsEntry("ev", "order.shipped")
			.containsEntry("d", Map.of("order", 7));
		assertThat(toUser.get("_id")).as("a recoverable push carries its position")
			.isNotNull()
			.isEqualTo(toUser.get("p"));
		push.pushToSocket(sid, "to-socket", "text").block();
		assertThat(client.next("push")).containsEntry("_event", "to-socket")
			.containsEntry("d", "text")
			.doesNotContainKey("_id");
		push.pushRecoverable(PushTarget.guid(guid), "to-guid", 3).block();
		assertThat(client.next("push")).containsEntry("g", guid)
			.containsKey("p")
			.as("GUID positions are not the user stream's: no event ID")
			.doesNotContainKey("_id");
		push.broadcast("line\nbreak", 4).block();
		assertThat(client.next("push")).containsEntry("_event", "line break").containsEntry("ev", "line\nbreak");
	}

	/*
	 * One push to a GUID with a stream and a WebSocket attached: the WebSocket's frame is
	 * encoded once as a whole WebSocket frame, and the stream must get its own event.
	 */
	@Test
	void aPushToAStreamAndAWebSocketReachesEachInItsForm() {
		String guid = "open-" + UUID.randomUUID();
		SseClient stream = open("?access_token=" + Tokens.forUser(uid()) + "&guid=" + guid, Map.of());
		stream.next("welcome");
		TestClient webSocket = TestClient.connect(gateway.port(),
				"?access_token=" + Tokens.forUser(uid()) + "&guid=" + guid, "push.v1.json", Map.of());
		try {
			webSocket.next("welcome");
			push.pushToGuid(guid, "both", Map.of("n", 1)).block();
			assertThat(stream.next("push")).containsEntry("_event", "both").containsEntry("d", Map.of("n", 1));
			assertThat(webSocket.next("push")).containsEntry("ev", "both").containsEntry("d", Map.of("n", 1));
		}
		finally {
			webSocket.close();
		}
	}

	@Test
	void unnamedEventsCarryTheSameFrames() {
		String uid = uid();
		SseClient client = open("?events=unnamed&access_token=" + Tokens.forUser(uid), Map.of());
		assertThat(client.next("welcome")).containsEntry("_event", "message");
		push.pushToUser(uid, "order.shipped", Map.of("order", 8)).block();
		assertThat(client.next("push")).containsEntry("_event", "message").containsEntry("ev", "order.shipped");
	}

	@Test
	void framesArePostedToTheSession() {
		SseClient client = open(uid());
		int port = gateway.port();
		assertThat(client.send(port, "{\"t\":\"msg\",\"id\":\"m1\",\"ev\":\"echo\",\"d\":{\"x\":[1,2]}}"))
			.isEqualTo(204);
		assertThat(client.next("reply")).containsEntry("_event", "reply")
			.containsEntry("id", "m1")
			.containsEntry("d", Map.of("x", List.of(1, 2)));
		String guid = "open-" + UUID.randomUUID();
		assertThat(client.send(port, "{\"t\":\"join\",\"id\":\"j1\",\"g\":\"" + guid + "\"}")).isEqualTo(204);
		assertThat(client.next("joined")).containsEntry("g", guid);
		push.pushToGuid(guid, "after-join", true).block();
		assertThat(client.next("push")).containsEntry("ev", "after-join");
		assertThat(client.send(port, "{\"t\":\"ping\"}")).isEqualTo(204);
		assertThat(client.next("pong")).containsEntry("_event", "pong");
		assertThat(client.send(port, "{\"t\":\"bogus\"}")).isEqualTo(204);
		assertThat(client.next("error")).containsEntry("code", 4400);

		String forged = client.session().substring(0, client.session().indexOf('.')) + ".forged."
				+ client.session().substring(client.session().lastIndexOf('.') + 1);
		assertThat(SseClient.post(port, "/ws/sse/send?session=" + forged, "{\"t\":\"ping\"}").statusCode())
			.isEqualTo(404);
		assertThat(SseClient.post(port, "/ws/sse/send", "{\"t\":\"ping\"}").statusCode()).isEqualTo(400);
		assertThat(SseClient.post(port, "/ws/sse/send?session=" + client.session(), "x".repeat(9000)).statusCode())
			.isEqualTo(413);
		// a malformed frame closes the stream, as it closes a WebSocket
		assertThat(client.send(port, "not json")).isEqualTo(204);
		assertThat(client.awaitClose().code()).isEqualTo(4000);
		assertThat(client.send(port, "{\"t\":\"ping\"}")).isEqualTo(404);
	}

	@Test
	void admissionIsTheWebSocketsOne() {
		assertThat(open("", Map.of()).status()).isEqualTo(401);
		SseClient forged = open("?access_token=not-a-token", Map.of());
		assertThat(forged.status()).isEqualTo(401);
		assertThat(forged.errorBody()).doesNotContain("not-a-token");
		String token = "?access_token=" + Tokens.forUser(uid());
		assertThat(open(token, Map.of("Origin", "https://evil.example")).status()).isEqualTo(403);
		assertThat(open(token + "&since=yesterday", Map.of()).status()).isEqualTo(400);
		assertThat(open(token, Map.of("Last-Event-ID", "yesterday")).status()).isEqualTo(400);
		assertThat(open(token + "&events=loud", Map.of()).status()).isEqualTo(400);
		SseClient json = SseClient.open(gateway.port(), "/ws/sse" + token, Map.of("Accept", "application/json"));
		this.clients.add(json);
		assertThat(json.status()).isEqualTo(406);
		assertThat(SseClient.open(gateway.port(), "/ws/sse/nothing" + token, Map.of()).status()).isEqualTo(404);
		// bearer header instead of the query parameter
		SseClient bearer = open("", Map.of("Authorization", "Bearer " + Tokens.forUser("bearer-user")));
		assertThat(bearer.next("welcome")).containsEntry("uid", "bearer-user");
	}

	@Test
	void lastEventIdResumesTheUsersStream() {
		String uid = uid();
		SseClient first = open(uid);
		push.pushRecoverable(PushTarget.user(uid), "a", 1).block();
		String position = (String) first.next("push").get("_id");
		assertThat(position).isNotNull();
		first.close();
		await().until(() -> gateway.bean(PresenceOperations.class).socketsOf(uid).block().isEmpty());
		push.pushRecoverable(PushTarget.user(uid), "b", 2).block();
		push.pushRecoverable(PushTarget.user(uid), "c", 3).block();

		SseClient second = open("?access_token=" + Tokens.forUser(uid), Map.of("Last-Event-ID", position));
		assertThat(second.next("welcome")).containsEntry("uid", uid);
		assertThat(second.next("push")).containsEntry("ev", "b");
		assertThat(second.next("push")).containsEntry("ev", "c");
		assertThat(second.next("recovered")).containsEntry("ok", true).containsEntry("n", 2);
		push.pushRecoverable(PushTarget.user(uid), "d", 4).block();
		assertThat(second.next("push")).containsEntry("ev", "d");
	}

	@Test
	void heartbeatCommentsKeepAReadingStreamAlive() {
		SseClient client = open(uid());
		// past the 2 s timeout: the comments it reads keep it open
		await().atMost(10, TimeUnit.SECONDS).until(() -> client.comments() >= 8);
		assertThat(client.send(gateway.port(), "{\"t\":\"ping\"}")).isEqualTo(204);
		assertThat(client.next("pong")).isNotNull();
	}

	@Test
	void streamThatIsNotReadIsClosedAsASlowConsumer() {
		String uid = uid();
		SseClient client = SseClient.open(gateway.port(), "/ws/sse?access_token=" + Tokens.forUser(uid), Map.of(),
				4096);
		this.clients.add(client);
		client.next("welcome");
		client.pause();
		String kilobyte = "x".repeat(1024);
		for (int i = 0; i < 20_000 && gateway.bean(PresenceOperations.class).socketsOf(uid).block().size() == 1; i++) {
			push.pushToUser(uid, "big", kilobyte).block();
		}
		client.resume();
		TestClient.Close close = client.awaitClose();
		assertThat(close.code()).isIn(4002, 4001);
	}

	@Test
	void anotherConnectionOfTheUserReplacesTheStream() {
		String uid = uid();
		SseClient first = open(uid);
		SseClient second = open(uid);
		assertThat(first.awaitClose().code()).isEqualTo(4003);
		push.pushToUser(uid, "after", 1).block();
		assertThat(second.next("push")).containsEntry("ev", "after");
	}

	@Test
	void curlFollowsTheStream() throws Exception {
		String uid = uid();
		Process curl = new ProcessBuilder("curl", "-sN",
				"http://127.0.0.1:" + gateway.port() + "/ws/sse?access_token=" + Tokens.forUser(uid))
			.redirectErrorStream(true)
			.start();
		try {
			await().until(() -> !gateway.bean(PresenceOperations.class).socketsOf(uid).block().isEmpty());
			push.pushRecoverable(PushTarget.user(uid), "order.shipped", Map.of("order", 9)).block();
			StringBuilder seen = new StringBuilder();
			var reader = curl.inputReader(StandardCharsets.UTF_8);
			for (String line; (line = reader.readLine()) != null;) {
				seen.append(line).append('\n');
				if (line.startsWith("data: {\"t\":\"push\"")) {
					break;
				}
			}
			assertThat(seen.toString()).contains("event: welcome\ndata: {\"t\":\"welcome\"")
				.contains("event: order.shipped\nid: ")
				.contains(",\"ev\":\"order.shipped\",\"p\":");
		}
		finally {
			curl.destroy();
		}
	}

}
