package io.pushgateway.e2e;

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

	private static TestGateway gateway;

	private static PushOperations push;

	private final List<TestClient> clients = new ArrayList<>();

	@BeforeAll
	static void start() {
		gateway = TestGateway
			.start(Map.of("push.gateway.recovery.enabled", true, "push.gateway.recovery.max-length", 5));
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
		assertThat(baseline).isNull();
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
	}

	@Test
	void malformedSinceIsRejected() {
		assertThat(TestClient.rejectedStatus(gateway.port(), "?access_token=" + Tokens.forUser("x") + "&since=abc",
				"push.v1.json", Map.of()))
			.isEqualTo(400);
	}

}
