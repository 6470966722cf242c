package io.pushgateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushTarget;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovery after reconnect on the embedded default (streams in node memory).
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class RecoveryEndToEndTests {

	private static final String API_TOKEN = "recovery-api-token";

	private static TestGateway gateway;

	private static PushOperations push;

	private final List<TestClient> clients = new ArrayList<>();

	@BeforeAll
	static void start() {
		gateway = TestGateway.start(Map.of("push.gateway.recovery.enabled", true, "push.gateway.recovery.max-length", 5,
				"push.gateway.http-api.enabled", true, "push.gateway.http-api.token", API_TOKEN));
		push = gateway.bean(PushOperations.class);
	}

	@AfterAll
	static void stop() {
		gateway.close();
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
	}

	private TestClient connect(String uid, String extraQuery) {
		TestClient client = TestClient.connect(gateway.port(), "?access_token=" + Tokens.forUser(uid) + extraQuery,
				"push.v1.json", Map.of());
		this.clients.add(client);
		client.next("welcome");
		return client;
	}

	@Test
	void clientThatMissedPushesGetsExactlyThoseInOrderThenLiveOnes() {
		String uid = "user-" + UUID.randomUUID();
		TestClient first = connect(uid, "");
		assertThat(first.next("recovered")).containsEntry("ok", true).containsEntry("n", 0);
		push.pushRecoverable(PushTarget.user(uid), "n", 0).block();
		String position = (String) first.next("push").get("p");
		first.close();

		for (int i = 1; i <= 3; i++) {
			push.pushRecoverable(PushTarget.user(uid), "n", i).block();
		}
		TestClient second = connect(uid, "&since=" + position);

		for (int i = 1; i <= 3; i++) {
			assertThat(second.next("push")).containsEntry("d", i);
		}
		assertThat(second.next("recovered")).containsEntry("ok", true).containsEntry("n", 3);
		push.pushRecoverable(PushTarget.user(uid), "n", 4).block();
		push.pushToUser(uid, "marker", "end").block();
		assertThat(second.next("push")).containsEntry("d", 4);
		assertThat(second.next("push")).as("no duplicates").containsEntry("ev", "marker");
	}

	@Test
	void httpCallersMakeAPushRecoverableAsDocumented() throws Exception {
		// docs/http-api.md: recoverable=true keeps the push in the user's stream
		String uid = "user-" + UUID.randomUUID();
		TestClient first = connect(uid, "");
		assertThat(httpPush(uid, "?event=kept&recoverable=true", "0").statusCode()).isEqualTo(200);
		String position = (String) first.next("push").get("p");
		assertThat(position).isNotNull();
		first.close();
		assertThat(httpPush(uid, "?event=kept&recoverable=true", "1").statusCode()).isEqualTo(200);
		assertThat(httpPush(uid, "?event=plain", "2").statusCode()).isEqualTo(200);
		assertThat(httpPush(uid, "?event=kept&recoverable=true", "3").statusCode()).isEqualTo(200);
		TestClient second = connect(uid, "&since=" + position);
		assertThat(second.next("push")).containsEntry("ev", "kept").containsEntry("d", 1);
		assertThat(second.next("push")).containsEntry("ev", "kept").containsEntry("d", 3);
		assertThat(second.next("recovered")).containsEntry("ok", true).containsEntry("n", 2);
		HttpResponse<String> malformed = httpPush(uid, "?event=x&recoverable=yes", "1");
		assertThat(malformed.statusCode()).isEqualTo(400);
		assertThat(malformed.body()).contains("'recoverable' must be true or false");
		HttpResponse<String> withAck = httpPush(uid, "?event=x&recoverable=true&ack=5s", "1");
		assertThat(withAck.statusCode()).isEqualTo(400);
		assertThat(withAck.body()).contains("cannot be combined");
	}

	private static HttpResponse<String> httpPush(String uid, String query, String body) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/push-api/users/" + uid + query))
				.header("Authorization", "Bearer " + API_TOKEN)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void gapBeyondRetentionIsReportedAsUnrecoverable() {
		String uid = "user-" + UUID.randomUUID();
		TestClient first = connect(uid, "");
		push.pushRecoverable(PushTarget.user(uid), "n", 0).block();
		String position = (String) first.next("push").get("p");
		first.close();
		for (int i = 1; i <= 7; i++) {
			push.pushRecoverable(PushTarget.user(uid), "n", i).block();
		}

		TestClient second = connect(uid, "&since=" + position);

		assertThat(second.next("error")).containsEntry("code", 4410);
		assertThat(second.next("recovered")).containsEntry("ok", false).containsEntry("n", 0);
	}

	@Test
	void guidStreamIsRecoveredOnJoinWithSince() {
		String guid = "open-" + UUID.randomUUID();
		TestClient member = connect("user-" + UUID.randomUUID(), "");
		member.send("{\"t\":\"join\",\"id\":\"j1\",\"g\":\"" + guid + "\"}");
		member.next("joined");
		String baseline = (String) member
			.next((frame) -> "recovered".equals(frame.get("t")) && guid.equals(frame.get("g")))
			.getOrDefault("p", null);
		push.pushRecoverable(PushTarget.guid(guid), "edit", "a").block();
		String position = (String) member.next("push").get("p");
		// a stream with no history begins one when it is read: the member has a position
		// before the first push, and the first push follows it
		assertThat(baseline).endsWith(":0");
		assertThat(position).isEqualTo(baseline.replace(":0", ":1"));
		member.close();
		push.pushRecoverable(PushTarget.guid(guid), "edit", "b").block();
		push.pushRecoverable(PushTarget.guid(guid), "edit", "c").block();

		TestClient back = connect("user-" + UUID.randomUUID(), "");
		back.send("{\"t\":\"join\",\"id\":\"j2\",\"g\":\"" + guid + "\",\"since\":\"" + position + "\"}");

		assertThat(back.next("push")).containsEntry("d", "b").containsEntry("g", guid);
		assertThat(back.next("push")).containsEntry("d", "c");
		assertThat(back.next((frame) -> "recovered".equals(frame.get("t")) && guid.equals(frame.get("g"))))
			.containsEntry("ok", true)
			.containsEntry("n", 2);
		// a member that left before the first push recovers it too, from the baseline
		TestClient early = connect("user-" + UUID.randomUUID(), "");
		early.send("{\"t\":\"join\",\"id\":\"j3\",\"g\":\"" + guid + "\",\"since\":\"" + baseline + "\"}");
		assertThat(early.next("push")).containsEntry("d", "a");
		assertThat(early.next("push")).containsEntry("d", "b");
		assertThat(early.next("push")).containsEntry("d", "c");
	}

	@Test
	void aFirstConnectionThatDropsBeforeItsFirstPushRecoversItFromPositionZero() {
		String uid = "user-" + UUID.randomUUID();
		TestClient first = connect(uid, "");
		String baseline = (String) first.next("recovered").get("p");
		assertThat(baseline).endsWith(":0");
		first.close();
		push.pushRecoverable(PushTarget.user(uid), "n", 1).block();
		push.pushRecoverable(PushTarget.user(uid), "n", 2).block();

		TestClient back = connect(uid, "&since=" + baseline);

		assertThat(back.next("push")).containsEntry("d", 1);
		assertThat(back.next("push")).containsEntry("d", 2);
		assertThat(back.next("recovered")).containsEntry("ok", true).containsEntry("n", 2);
	}

	@Test
	void malformedSinceIsRejected() {
		assertThat(TestClient.rejectedStatus(gateway.port(), "?access_token=" + Tokens.forUser("x") + "&since=abc",
				"push.v1.json", Map.of()))
			.isEqualTo(400);
	}

}
