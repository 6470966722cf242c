package io.pushgateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.PollingClient;
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
 * The long-polling fallback on one node, over real HTTP: the same admission, targets,
 * upstream messages, limits and heartbeat timeout as a WebSocket, and batches that
 * survive a lost response.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class LongPollingEndToEndTests {

	private static TestGateway gateway;

	private static PushOperations push;

	private final List<PollingClient> clients = new ArrayList<>();

	@BeforeAll
	static void startGateway() {
		gateway = TestGateway.start(Map.of("push.gateway.websocket.max-frame-size", "8KB",
				"push.gateway.websocket.max-queued-size", "16KB", "push.gateway.heartbeat.timeout", "3s",
				"push.gateway.polling.hold", "20s", "push.gateway.polling.linger", "5s"));
		push = gateway.bean(PushOperations.class);
	}

	@AfterAll
	static void stopGateway() {
		gateway.close();
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(PollingClient::close);
	}

	private PollingClient open(String uid, String query, boolean autoPoll) {
		PollingClient client = PollingClient.open(gateway.port(), "?access_token=" + Tokens.forUser(uid) + query,
				autoPoll);
		this.clients.add(client);
		return client;
	}

	private PollingClient open(String uid) {
		return open(uid, "", true);
	}

	private static String uid() {
		return "user-" + UUID.randomUUID();
	}

	private static long sid(Map<String, Object> welcome) {
		return Long.parseLong((String) welcome.get("sid"));
	}

	@Test
	void sessionIsAConnectionLikeAnyOther() {
		String uid = uid();
		String guid = "open-" + UUID.randomUUID();
		PollingClient client = open(uid, "&guid=" + guid, true);
		Map<String, Object> welcome = client.next("welcome");
		assertThat(welcome).containsEntry("uid", uid).containsEntry("g", List.of(guid)).containsEntry("node", "node-0");
		long sid = sid(welcome);
		assertThat(gateway.bean(LocalHub.class).connection(sid)).isNotNull();
		List<SocketPresence> sockets = gateway.bean(PresenceOperations.class).socketsOf(uid).block();
		assertThat(sockets).extracting(SocketPresence::socketId).containsExactly(sid);

		push.pushToUser(uid, "to-user", Map.of("n", 1)).block();
		assertThat(client.next("push")).containsEntry("ev", "to-user").containsEntry("d", Map.of("n", 1));
		push.pushToSocket(sid, "to-socket", 2).block();
		assertThat(client.next("push")).containsEntry("ev", "to-socket").containsEntry("d", 2);
		push.pushToGuid(guid, "to-guid", 3).block();
		assertThat(client.next("push")).containsEntry("ev", "to-guid").containsEntry("g", guid);
		push.broadcast("to-all", 4).block();
		assertThat(client.next("push")).containsEntry("ev", "to-all");
	}

	@Test
	void upstreamMessagesGetRepliesAndJoinsWork() {
		PollingClient client = open(uid());
		client.next("welcome");
		assertThat(client.send("{\"t\":\"msg\",\"id\":\"m1\",\"ev\":\"echo\",\"d\":{\"x\":[1,2]}}")).isEqualTo(204);
		assertThat(client.next("reply")).containsEntry("id", "m1").containsEntry("d", Map.of("x", List.of(1, 2)));
		String guid = "open-" + UUID.randomUUID();
		client.send("{\"t\":\"join\",\"id\":\"j1\",\"g\":\"" + guid + "\"}");
		assertThat(client.next("joined")).containsEntry("g", guid);
		push.pushToGuid(guid, "after-join", true).block();
		assertThat(client.next("push")).containsEntry("ev", "after-join");
		client.send("{\"t\":\"msg\",\"id\":\"m2\",\"ev\":\"nobody-handles-this\",\"d\":1}");
		assertThat(client.next("error")).containsEntry("id", "m2").containsEntry("code", 4404);
	}

	@Test
	void messagePackSessionsGetMessagePackBatches() {
		PollingClient client = open(uid(), "&protocol=push.v1.msgpack", true);
		Map<String, Object> welcome = client.next("welcome");
		assertThat(welcome).containsEntry("_binary", true);
		push.pushToSocket(sid(welcome), "packed", Map.of("k", "v")).block();
		assertThat(client.next("push")).containsEntry("_binary", true).containsEntry("j", "{\"k\":\"v\"}");
	}

	@Test
	void admissionIsTheSameAsForWebSockets() {
		assertThat(PollingClient.openRaw(gateway.port(), "").statusCode()).isEqualTo(401);
		assertThat(PollingClient.openRaw(gateway.port(), "?access_token=not.a.jwt").statusCode()).isEqualTo(401);
		assertThat(PollingClient.openRaw(gateway.port(), "?access_token=" + Tokens.forUser(uid()) + "&guid=secret")
			.statusCode()).isEqualTo(403);
		assertThat(PollingClient
			.openRaw(gateway.port(), "?access_token=" + Tokens.forUser(uid()) + "&protocol=push.v9.xml")
			.statusCode()).isEqualTo(400);
	}

	@Test
	void unknownOrTamperedSessionsAre404() {
		PollingClient client = open(uid(), "", false);
		String[] parts = client.session().split("\\.");
		String tampered = parts[0] + ".AAAAAAAAAAAAAAAAAAAAAA." + parts[2];
		assertThat(PollingClient.pollRequest(1, gateway.port(), tampered).statusCode()).isEqualTo(404);
		assertThat(PollingClient.pollRequest(1, gateway.port(), "1." + parts[1] + "." + parts[2]).statusCode())
			.isEqualTo(404);
		assertThat(PollingClient.pollRequest(1, gateway.port(), "garbage").statusCode()).isEqualTo(400);
	}

	@Test
	void aLostResponseIsSentAgainAndAckReleasesIt() {
		PollingClient client = open(uid(), "", false);
		long sid = sid(client.next("welcome"));
		push.pushToSocket(sid, "first", 1).block();
		HttpResponse<byte[]> batch = client.poll(1);
		assertThat(PollingClient.seq(batch)).isEqualTo(2);
		assertThat(client.next("push")).containsEntry("ev", "first");

		// the client never saw batch 2: it polls with ack 1 again and gets the same batch
		HttpResponse<byte[]> again = client.poll(1);
		assertThat(PollingClient.seq(again)).isEqualTo(2);
		assertThat(again.body()).isEqualTo(batch.body());

		// acknowledging 2 releases it; the next poll waits for the next push
		CompletableFuture<HttpResponse<byte[]>> waiting = CompletableFuture.supplyAsync(() -> client.poll(2));
		await().until(() -> gateway.bean(LocalHub.class).connection(sid).queuedBytes() == 0);
		push.pushToSocket(sid, "second", 2).block();
		HttpResponse<byte[]> third = waiting.join();
		while (PollingClient.seq(third) == 2) {
			// the poll's hold (half the heartbeat timeout here) ended before the push
			assertThat(PollingClient.decodeJson(third.body())).isEmpty();
			third = client.poll(2);
		}
		assertThat(PollingClient.seq(third)).isEqualTo(3);
		assertThat(new String(third.body(), StandardCharsets.UTF_8)).contains("\"second\"").doesNotContain("\"first\"");
		assertThat(PollingClient.pollRequest(7, gateway.port(), client.session()).statusCode()).isEqualTo(400);
	}

	@Test
	void aNewerPollSupersedesAWaitingOne() {
		PollingClient client = open(uid(), "", false);
		client.next("welcome");
		CompletableFuture<HttpResponse<byte[]>> first = CompletableFuture.supplyAsync(() -> client.poll(1));
		await().pollDelay(Duration.ofMillis(50)).until(() -> !first.isDone());
		CompletableFuture<HttpResponse<byte[]>> second = CompletableFuture.supplyAsync(() -> client.poll(1));
		assertThat(first.join().statusCode()).isEqualTo(409);
		client.end();
		HttpResponse<byte[]> last = second.join();
		assertThat(last.statusCode()).isEqualTo(200);
		assertThat(last.headers().firstValue("Push-Close-Code")).hasValue("1000");
	}

	@Test
	void aClientThatStopsPollingTimesOutLikeASilentWebSocket() {
		PollingClient client = open(uid(), "", false);
		long sid = sid(client.next("welcome"));
		await().atMost(Duration.ofSeconds(10)).until(() -> gateway.bean(LocalHub.class).connection(sid) == null);
		HttpResponse<byte[]> response = client.poll(1);
		assertThat(response.headers().firstValue("Push-Close-Code")).hasValue("4001");
		assertThat(client.awaitClose().code()).isEqualTo(4001);
	}

	@Test
	void aPollingClientStaysAliveAcrossSeveralHeartbeatTimeouts() {
		// the hold is capped at half the 3 s heartbeat timeout, so polls keep it alive
		PollingClient client = open(uid());
		long sid = sid(client.next("welcome"));
		long deadline = System.nanoTime() + Duration.ofSeconds(7).toNanos();
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> System.nanoTime() > deadline && gateway.bean(LocalHub.class).connection(sid) != null);
		push.pushToSocket(sid, "still-here", 1).block();
		assertThat(client.next("push")).containsEntry("ev", "still-here");
	}

	@Test
	void aSessionThatFallsBehindIsClosedAsASlowConsumerAfterItsQueuedFrames() {
		PollingClient client = open(uid(), "", false);
		long sid = sid(client.next("welcome"));
		String chunk = "x".repeat(1000);
		for (int i = 0; i < 20; i++) {
			push.pushToSocket(sid, "big-" + i, chunk).block();
		}
		// a poll that reaches the node before the overflow is noticed gets frames
		// without the close; the next one carries it
		HttpResponse<byte[]> response = client.poll(1);
		for (int i = 0; i < 3 && response.headers().firstValue("Push-Close-Code").isEmpty(); i++) {
			response = client.poll(PollingClient.seq(response));
		}
		assertThat(response.headers().firstValue("Push-Close-Code")).hasValue("4002");
		assertThat(client.drain()).extracting((frame) -> frame.get("ev")).contains("big-0").doesNotContain("big-19");
		assertThat(gateway.bean(LocalHub.class).connection(sid)).isNull();
	}

	@Test
	void malformedFramesCloseTheSessionWith4000AndOversizedOnesAre413() {
		PollingClient bystander = open(uid());
		long bystanderSid = sid(bystander.next("welcome"));
		PollingClient client = open(uid());
		client.next("welcome");
		assertThat(client.send("x".repeat(9000))).isEqualTo(413);
		assertThat(client.send("{\"t\":1}")).isEqualTo(204);
		assertThat(client.awaitClose().code()).isEqualTo(4000);
		push.pushToSocket(bystanderSid, "unaffected", 1).block();
		assertThat(bystander.next("push")).containsEntry("ev", "unaffected");
	}

	@Test
	void aClientClosesItsSessionAndItLeavesThePresence() {
		String uid = uid();
		PollingClient client = open(uid);
		long sid = sid(client.next("welcome"));
		assertThat(client.end()).isEqualTo(204);
		assertThat(client.awaitClose()).isEqualTo(new TestClient.Close(1000, "closed by client"));
		await().until(() -> gateway.bean(PresenceOperations.class).socketsOf(uid).block().isEmpty());
		assertThat(gateway.bean(LocalHub.class).connection(sid)).isNull();
	}

	@Test
	void crossOriginRequestsNeedAnAllowedOrigin() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> response = http.send(HttpRequest
			.newBuilder(URI
				.create("http://127.0.0.1:" + gateway.port() + "/ws/poll/open?access_token=" + Tokens.forUser(uid())))
			.header("Origin", "https://evil.example.com")
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(403);
	}

}
