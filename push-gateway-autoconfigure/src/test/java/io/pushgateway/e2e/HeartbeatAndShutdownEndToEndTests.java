package io.pushgateway.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.pushgateway.hub.LocalHub;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.PollingClient;
import io.pushgateway.support.SocketIoClient;
import io.pushgateway.support.SseClient;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heartbeats, idle timeouts and graceful shutdown, each against its own node.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class HeartbeatAndShutdownEndToEndTests {

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	private TestGateway gateway(Map<String, Object> properties) {
		TestGateway gateway = TestGateway.start(properties);
		this.resources.add(gateway);
		return gateway;
	}

	private TestClient connect(TestGateway gateway, String uid) {
		TestClient client = TestClient.connect(gateway.port(), Tokens.forUser(uid));
		this.resources.add(0, client);
		return client;
	}

	@Test
	void idleConnectionIsClosedAfterHeartbeatTimeoutWhileActiveOnesStay() {
		TestGateway gateway = gateway(
				Map.of("push.gateway.heartbeat.interval", "200ms", "push.gateway.heartbeat.timeout", "800ms"));
		TestClient idle = connect(gateway, "idle");
		TestClient appPinger = connect(gateway, "app-pinger");
		TestClient wsPinger = connect(gateway, "ws-pinger");
		assertThat(idle.next("welcome")).containsEntry("hb", 200);
		appPinger.next("welcome");
		wsPinger.next("welcome");
		ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
		pinger.scheduleAtFixedRate(() -> {
			appPinger.send("{\"t\":\"ping\"}");
			wsPinger.sendPing();
		}, 200, 200, TimeUnit.MILLISECONDS);
		this.resources.add(0, pinger::shutdownNow);

		TestClient.Close close = idle.awaitClose();

		assertThat(close.code()).isEqualTo(4001);
		// the idle client needed more than the timeout to be closed; the pingers lived as
		// long
		assertThat(appPinger.isClosed()).isFalse();
		assertThat(wsPinger.isClosed()).isFalse();
		assertThat(gateway.bean(LocalHub.class).connectionsOf("app-pinger")).hasSize(1);
		assertThat(gateway.bean(LocalHub.class).connectionsOf("ws-pinger")).hasSize(1);
		assertThat(gateway.bean(LocalHub.class).connectionsOf("idle")).isEmpty();
	}

	@Test
	void applicationPingIsAnsweredWithPong() {
		TestGateway gateway = gateway(Map.of());
		TestClient client = connect(gateway, "pinger");
		client.next("welcome");
		client.send("{\"t\":\"ping\"}");
		client.send("{\"t\":\"msg\",\"id\":\"after\",\"ev\":\"echo\",\"d\":1}");
		assertThat(client.next("reply")).containsEntry("id", "after");
		assertThat(client.pongs()).isEqualTo(1);
	}

	@Test
	void anonymousAccessIsOffByDefaultAndOnWhenConfigured() {
		TestGateway closed = gateway(Map.of());
		assertThat(TestClient.rejectedStatus(closed.port(), "", "push.v1.json", Map.of())).isEqualTo(401);
		TestGateway open = gateway(Map.of("push.gateway.auth.anonymous", true));
		TestClient first = TestClient.connect(open.port(), "", "push.v1.json", Map.of());
		TestClient second = TestClient.connect(open.port(), "", "push.v1.json", Map.of());
		this.resources.add(0, first);
		this.resources.add(0, second);
		String firstUid = (String) first.next("welcome").get("uid");
		String secondUid = (String) second.next("welcome").get("uid");
		assertThat(firstUid).startsWith("anonymous-").isNotEqualTo(secondUid);
	}

	@Test
	void gracefulShutdownTellsClientsToReconnect() {
		TestGateway gateway = gateway(
				Map.of("push.gateway.shutdown.timeout", "5s", "push.gateway.socketio.enabled", true));
		TestClient first = connect(gateway, "a");
		TestClient second = connect(gateway, "b");
		PollingClient polling = PollingClient.open(gateway.port(), "?access_token=" + Tokens.forUser("c"));
		SseClient stream = SseClient.open(gateway.port(), "/ws/sse?access_token=" + Tokens.forUser("d"), Map.of());
		this.resources.add(0, stream);
		SocketIoClient socketIo = SocketIoClient.connect(gateway.port(), "{\"token\":\"" + Tokens.forUser("e") + "\"}");
		this.resources.add(0, socketIo);
		socketIo.next("connect");
		first.next("welcome");
		second.next("welcome");
		polling.next("welcome");
		stream.next("welcome");

		long start = System.nanoTime();
		gateway.close();

		assertThat(first.awaitClose().code()).isEqualTo(1012);
		assertThat(second.awaitClose().code()).isEqualTo(1012);
		assertThat(polling.awaitClose().code()).as("a waiting poll is answered with the close").isEqualTo(1012);
		assertThat(stream.awaitClose().code()).as("a stream ends with a close event").isEqualTo(1012);
		assertThat(socketIo.nextEvent("gateway:close").get("args").toString()).contains("1012");
		assertThat(socketIo.next("close")).as("Engine.IO's close, no DISCONNECT: the client reconnects").isNotNull();
		assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(5);
	}

}
