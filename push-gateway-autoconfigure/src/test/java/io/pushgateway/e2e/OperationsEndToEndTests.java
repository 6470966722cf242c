package io.pushgateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgateway.core.BanOperations;
import io.pushgateway.core.NodeOverloadedException;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushTarget;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.PollingClient;
import io.pushgateway.support.SseClient;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What operators rely on, on a running node: the health indicator and the
 * {@code pushgateway} endpoint, per-connection and per-address limits with their close
 * codes, statuses and meters, credential expiry, and connection logs that carry the
 * socket ID, user ID and node.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class OperationsEndToEndTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = new JsonMapper();

	private static TestGateway gateway;

	private final List<TestClient> clients = new ArrayList<>();

	@BeforeAll
	static void startGateway() {
		gateway = TestGateway
			.start(Map.of("push.gateway.node.id", "ops-node", "management.endpoints.web.exposure.include",
					"health,pushgateway", "management.endpoint.health.show-details", "always",
					"management.health.redis.enabled", false, "push.gateway.limits.max-messages-per-second", 20,
					"push.gateway.limits.max-bytes-per-second", "4KB", "push.gateway.limits.max-connections-per-ip", 6,
					"push.gateway.heartbeat.timeout", "6s", "push.gateway.auth.jwt.clock-skew", "0s"));
	}

	@AfterAll
	static void stopGateway() {
		gateway.close();
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
		// the per-address limit counts connections until the server saw them close
		await().atMost(Duration.ofSeconds(10)).until(() -> gateway.bean(LocalHub.class).connectionCount() == 0);
	}

	private TestClient connect(String uid) {
		return connectWithToken(Tokens.forUser(uid));
	}

	private TestClient connectWithToken(String token) {
		TestClient client = TestClient.connect(gateway.port(), token);
		this.clients.add(client);
		client.next("welcome");
		return client;
	}

	@Test
	void healthAndEndpointReportTheNodeAndFindUsersAndSockets() throws Exception {
		TestClient alice = connect("alice");
		connect("bob");
		String sid = socketIdOf("alice");

		JsonNode health = get("/actuator/health");
		JsonNode node = health.get("components").get("pushGateway");
		assertThat(node.get("status").asString()).isEqualTo("UP");
		assertThat(node.get("details").get("node").asString()).isEqualTo("ops-node");
		assertThat(node.get("details").get("connections").asInt()).isEqualTo(2);
		assertThat(health.get("components").get("pushGatewayBus").get("details").get("bus").asString())
			.isEqualTo("local");

		JsonNode report = get("/actuator/pushgateway");
		assertThat(report.get("node").asString()).isEqualTo("ops-node");
		assertThat(report.get("accepting").asBoolean()).isTrue();
		assertThat(report.get("connections").asInt()).isEqualTo(2);
		assertThat(report.get("users").asInt()).isEqualTo(2);
		assertThat(report.get("cluster").get("connections").asLong()).isEqualTo(2);

		JsonNode user = get("/actuator/pushgateway/users/alice");
		assertThat(user.get("online").asBoolean()).isTrue();
		assertThat(user.get("connections")).hasSize(1);
		JsonNode socket = user.get("connections").get(0);
		assertThat(socket.get("socketId").asString()).isEqualTo(sid);
		assertThat(socket.get("transport").asString()).isEqualTo("websocket");
		assertThat(socket.get("node").asString()).isEqualTo("ops-node");

		assertThat(get("/actuator/pushgateway/sockets/" + sid).get("uid").asString()).isEqualTo("alice");
		assertThat(status("/actuator/pushgateway/sockets/12345")).isEqualTo(404);
		assertThat(get("/actuator/pushgateway/users/nobody").get("online").asBoolean()).isFalse();
	}

	@Test
	void aConnectionSendingTooManyFramesIsClosedAndOthersKeepReceiving() {
		TestClient flooder = connect("flooder");
		TestClient bystander = connect("bystander");
		try {
			for (int i = 0; i < 40; i++) {
				flooder.send("{\"t\":\"ping\"}");
			}
		}
		catch (RuntimeException ex) {
			// closed by the node before the flood ended: the close code is read below
		}
		TestClient.Close close = flooder.awaitClose();
		assertThat(close.code()).isEqualTo(4008);
		assertThat(close.reason()).contains("20 messages per second");
		gateway.bean(PushOperations.class).push(PushTarget.user("bystander"), "still-here", Map.of()).block();
		assertThat(bystander.next("push").get("ev")).isEqualTo("still-here");
		assertThat(limited("messages_per_second")).isGreaterThanOrEqualTo(1);
	}

	@Test
	void aConnectionSendingTooManyBytesIsClosed() {
		TestClient heavy = connect("heavy");
		String padding = "x".repeat(1500);
		for (int i = 0; i < 4; i++) {
			heavy.send("{\"t\":\"msg\",\"id\":\"" + i + "\",\"ev\":\"echo\",\"d\":\"" + padding + "\"}");
		}
		assertThat(heavy.awaitClose().code()).isEqualTo(4008);
		assertThat(limited("bytes_per_second")).isGreaterThanOrEqualTo(1);
	}

	@Test
	void handshakesOverTheConnectionsPerAddressLimitGet429() {
		for (int i = 0; i < 6; i++) {
			connect("user-" + i);
		}
		assertThat(TestClient.rejectedStatus(gateway.port(), "?access_token=" + Tokens.forUser("one-more"),
				"push.v1.json", Map.of()))
			.isEqualTo(429);
		assertThat(limited("connections_per_ip")).isGreaterThanOrEqualTo(1);
		TestClient first = this.clients.remove(0);
		first.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> gateway.bean(LocalHub.class).connectionCount() == 5);
		connect("one-more");
	}

	/*
	 * An event loop kept busy (spinning, not blocked) while pushes to its connection pile
	 * up: once it is more than half its bound behind (4 of 8 batches), pushes are refused
	 * before they are issued, and every push accepted before reaches the client once the
	 * loop catches up. Nothing accepted is dropped.
	 */
	@Test
	void pushesAreRefusedWhileAnEventLoopIsBehindAndNoAcceptedOneIsDropped() throws Exception {
		try (TestGateway small = TestGateway.start(Map.of("push.gateway.limits.max-pending-batches-per-loop", 8))) {
			String uid = "busy-" + UUID.randomUUID();
			try (TestClient client = TestClient.connect(small.port(), Tokens.forUser(uid))) {
				client.next("welcome");
				AtomicBoolean released = new AtomicBoolean();
				CountDownLatch spinning = new CountDownLatch(1);
				small.bean(LocalHub.class).connectionsOf(uid).get(0).eventLoop().execute(() -> {
					spinning.countDown();
					// a busy loop, not a wait: a blocked event loop would be a defect of
					// its own
					long spins = 0;
					while (!released.get()) {
						spins++;
					}
					assertThat(spins).isNotNegative();
				});
				assertThat(spinning.await(10, TimeUnit.SECONDS)).isTrue();
				PushOperations push = small.bean(PushOperations.class);
				int accepted = 0;
				NodeOverloadedException refused = null;
				try {
					for (int i = 0; i < 20 && refused == null; i++) {
						try {
							push.pushToUser(uid, "load", i).block(Duration.ofSeconds(10));
							accepted++;
						}
						catch (NodeOverloadedException ex) {
							refused = ex;
						}
					}
				}
				finally {
					released.set(true);
				}
				assertThat(refused).isNotNull().hasMessageContaining("node busy");
				assertThat(accepted).isEqualTo(5);
				for (int i = 0; i < accepted; i++) {
					assertThat(client.next("push")).containsEntry("ev", "load").containsEntry("d", i);
				}
				MeterRegistry meters = small.bean(MeterRegistry.class);
				assertThat(meters.get("push.gateway.push.refused").counter().count()).isEqualTo(1);
				assertThat(meters.get("push.gateway.push.rejected").counter().count()).isZero();
				push.pushToUser(uid, "caught-up", 1).block(Duration.ofSeconds(10));
				assertThat(client.next("push")).containsEntry("ev", "caught-up");
			}
		}
	}

	@Test
	void handshakesOverThePerAddressRateGet429() {
		try (TestGateway limited = TestGateway.start(Map.of("push.gateway.limits.max-handshakes-per-ip-per-second", 2,
				"push.gateway.polling.enabled", false))) {
			List<Integer> statuses = new ArrayList<>();
			// the limit counts per second: twenty handshakes in a row pass at most two
			// per second
			for (int i = 0; i < 20; i++) {
				try {
					TestClient client = TestClient.connect(limited.port(), Tokens.forUser("burst-" + i));
					statuses.add(101);
					client.close();
				}
				catch (CompletionException ex) {
					statuses.add(((WebSocketHandshakeException) ex.getCause()).getResponse().statusCode());
				}
			}
			assertThat(statuses).contains(429);
			assertThat(statuses).containsOnly(101, 429);
			var counter = limited.bean(MeterRegistry.class)
				.get("push.gateway.limited")
				.tag("limit", "handshakes_per_ip")
				.counter();
			assertThat(counter.count()).isEqualTo(statuses.stream().filter((status) -> status == 429).count());
		}
	}

	@Test
	void aConnectionIsClosedWhenItsCredentialExpires() {
		// long enough for a loaded machine's first handshake; a heartbeat keeps the
		// connection from the heartbeat timeout (6 s) until the token expires
		TestClient client = connectWithToken(
				Tokens.sign("short-lived", List.of(), Duration.ofSeconds(4), Tokens.SECRET));
		client.send("{\"t\":\"ping\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> client.pongs() > 0);
		// asked for a fresh token first (auth.refresh-lead, 30 s), and not answering
		assertThat(((Number) client.next("refresh").get("in")).longValue()).isPositive().isLessThanOrEqualTo(4000);
		TestClient.Close close = client.awaitClose();
		assertThat(close.code()).isEqualTo(4004);
		assertThat(close.reason()).contains("credential expired");
	}

	@Test
	void aConnectionRefreshesItsTokenTwiceWithoutReconnectingAndOutlivesEveryEarlierToken() {
		String uid = "refresher-" + UUID.randomUUID();
		TestClient client = connectWithToken(Tokens.sign(uid, List.of(), Duration.ofSeconds(4), Tokens.SECRET));
		Instant outlive = Instant.now();
		for (int i = 1; i <= 2; i++) {
			client.next("refresh");
			String fresh = Tokens.sign(uid, List.of(), Duration.ofSeconds(4 + 2 * i), Tokens.SECRET);
			outlive = Instant.now().plusSeconds(4);
			client.send("{\"t\":\"refresh\",\"id\":\"r" + i + "\",\"token\":\"" + fresh + "\"}");
			Map<String, Object> refreshed = client.next("refreshed");
			assertThat(refreshed).containsEntry("id", "r" + i);
			assertThat(Instant.ofEpochMilli(((Number) refreshed.get("exp")).longValue()))
				.isAfter(Instant.now().plusSeconds(2 * i));
		}
		// past the expiry of every token but the last, on the same connection
		Instant past = outlive.plusMillis(500);
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			client.send("{\"t\":\"ping\"}");
			return Instant.now().isAfter(past);
		});
		assertThat(client.isClosed()).isFalse();
		gateway.bean(PushOperations.class).pushToUser(uid, "still", "here").block();
		assertThat(client.next("push")).containsEntry("ev", "still");
	}

	@Test
	void aRefreshNamingAnotherUserClosesTheConnectionAndARefusedOneKeepsIt() {
		String uid = "refresher-" + UUID.randomUUID();
		TestClient refused = connect(uid);
		refused.send("{\"t\":\"refresh\",\"id\":\"r1\",\"token\":\"not-a-token\"}");
		assertThat(refused.next("error")).containsEntry("id", "r1")
			.containsEntry("code", 4401)
			.containsEntry("msg", "invalid token");
		String revoked = Tokens.withId(uid, "jti-" + uid, Instant.now());
		gateway.bean(BanOperations.class).revokeToken(uid, "jti-" + uid, Instant.now().plusSeconds(60)).block();
		refused.send("{\"t\":\"refresh\",\"id\":\"r2\",\"token\":\"" + revoked + "\"}");
		assertThat(refused.next("error")).containsEntry("id", "r2")
			.containsEntry("code", 4401)
			.containsEntry("msg", "token revoked");
		assertThat(refused.isClosed()).isFalse();

		refused.send("{\"t\":\"refresh\",\"id\":\"r3\",\"token\":\"" + Tokens.forUser("someone-else") + "\"}");
		assertThat(refused.awaitClose())
			.isEqualTo(new TestClient.Close(4007, "refreshed credential names another user"));
	}

	@Test
	void longPollingAndServerSentEventsRefreshWithAPostedFrame() {
		String uid = "refresher-" + UUID.randomUUID();
		try (PollingClient polling = PollingClient.open(gateway.port(),
				"?access_token=" + Tokens.sign(uid, List.of(), Duration.ofSeconds(20), Tokens.SECRET));
				SseClient sse = SseClient.open(gateway.port(),
						"/ws/sse?access_token=" + Tokens.sign(uid, List.of(), Duration.ofSeconds(20), Tokens.SECRET),
						Map.of())) {
			polling.next("welcome");
			polling.next("refresh");
			assertThat(polling.send("{\"t\":\"refresh\",\"id\":\"p1\",\"token\":\"" + Tokens.forUser(uid) + "\"}"))
				.isEqualTo(204);
			assertThat(polling.next("refreshed")).containsEntry("id", "p1").containsKey("exp");

			sse.next("welcome");
			sse.next("refresh");
			assertThat(sse.send(gateway.port(),
					"{\"t\":\"refresh\",\"id\":\"s1\",\"token\":\"" + Tokens.forUser(uid) + "\"}"))
				.isEqualTo(204);
			assertThat(sse.next("refreshed")).containsEntry("id", "s1").containsKey("exp");
		}
	}

	@Test
	void closesDecidedBecauseOfTheClientAreLoggedWithTheConnectionsIds() {
		Logger logger = (Logger) LoggerFactory.getLogger("io.pushgateway.connections");
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		// the tests' logback configuration logs warnings only
		Level level = logger.getLevel();
		logger.setLevel(Level.INFO);
		try {
			TestClient client = connect("careless");
			String sid = socketIdOf("careless");
			client.send("{not json");
			assertThat(client.awaitClose().code()).isEqualTo(4000);
			await().atMost(Duration.ofSeconds(10)).until(() -> !appender.list.isEmpty());
			ILoggingEvent event = appender.list.get(0);
			assertThat(event.getLevel()).isEqualTo(Level.INFO);
			assertThat(event.getFormattedMessage()).contains("4000");
			assertThat(event.getMDCPropertyMap()).containsEntry("socketId", sid)
				.containsEntry("uid", "careless")
				.containsEntry("node", "ops-node");
		}
		finally {
			logger.setLevel(level);
			logger.detachAppender(appender);
		}
	}

	private static String socketIdOf(String uid) {
		return Long.toString(gateway.bean(LocalHub.class).connectionsOf(uid).get(0).socketId());
	}

	private static double limited(String limit) {
		var counter = gateway.bean(MeterRegistry.class).find("push.gateway.limited").tag("limit", limit).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static JsonNode get(String path) throws Exception {
		HttpResponse<String> response = HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	private static int status(String path) throws Exception {
		return HTTP.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private static HttpRequest request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
			.timeout(Duration.ofSeconds(10))
			.build();
	}

}
