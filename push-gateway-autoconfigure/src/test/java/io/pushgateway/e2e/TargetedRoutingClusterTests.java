package io.pushgateway.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestCluster;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes on the Redis pub/sub bus with targeted routing: pushes go only to the nodes
 * the registry says hold the target, and still arrive exactly once.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class TargetedRoutingClusterTests {

	@RegisterExtension
	static final TestCluster cluster = TestCluster.withRedisBus(2, Map.of("push.gateway.bus.routing", "targeted"));

	private final List<TestClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
	}

	private TestClient connect(int node, String uid) {
		TestClient client = TestClient.connect(cluster.node(node).port(), Tokens.forUser(uid));
		this.clients.add(client);
		client.next("welcome");
		return client;
	}

	@Test
	void targetedPushesArriveOnceWhereverTheTargetIs() {
		String uid = "user-" + UUID.randomUUID();
		String guid = "open-" + UUID.randomUUID();
		TestClient phone = connect(0, uid);
		TestClient laptop = connect(1, uid);
		for (TestClient device : List.of(phone, laptop)) {
			device.send("{\"t\":\"join\",\"id\":\"j\",\"g\":\"" + guid + "\"}");
			device.next("joined");
		}
		PushOperations fromNodeOne = cluster.node(0).bean(PushOperations.class);
		await().until(() -> cluster.node(0).bean(PresenceOperations.class).guidConnections(guid).block() == 2);

		String toUser = fromNodeOne.pushToUser(uid, "to-user", "u").block().messageId();
		String toGuid = fromNodeOne.pushToGuid(guid, "to-guid", "g").block().messageId();
		fromNodeOne.broadcast("marker", "end").block();

		for (TestClient device : List.of(phone, laptop)) {
			assertThat(device.next("push")).as((device == phone) ? "phone" : "laptop").containsEntry("id", toUser);
			assertThat(device.next("push")).as((device == phone) ? "phone" : "laptop").containsEntry("id", toGuid);
			assertThat(device.next("push")).as("no duplicates").containsEntry("ev", "marker");
		}
	}

}
