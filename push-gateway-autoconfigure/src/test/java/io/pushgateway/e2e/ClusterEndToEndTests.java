package io.pushgateway.e2e;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushgateway.actuate.ClusterBusHealthIndicator;
import io.pushgateway.actuate.PushGatewayEndpoint;
import io.pushgateway.actuate.PushGatewayHealthIndicator;
import io.pushgateway.actuate.SessionRegistryHealthIndicator;
import io.pushgateway.core.BanOperations;
import io.pushgateway.core.DisconnectCodes;
import io.pushgateway.core.GuidOperations;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.core.StreamPosition;
import io.pushgateway.hub.ErrorCodes;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.PollingClient;
import io.pushgateway.support.SseClient;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestCluster;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.TestNodeMain;
import io.pushgateway.support.Tokens;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Three gateway cluster.nodes() acting as one, with a real {@code redis-server} (session
 * registry) and a real Kafka broker (cluster bus), and real WebSocket clients.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class ClusterEndToEndTests {

	private static final Duration NODE_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration NODE_HEARTBEAT = Duration.ofMillis(250);

	private static final String API_TOKEN = "cluster-api-token";

	private static final int USER_RATE = 20;

	private static final JsonMapper JSON = new JsonMapper();

	@RegisterExtension
	static final TestCluster cluster = TestCluster.withKafka(3,
			Map.ofEntries(Map.entry("push.gateway.registry.node-timeout", NODE_TIMEOUT.toMillis() + "ms"),
					Map.entry("push.gateway.registry.node-heartbeat-interval", NODE_HEARTBEAT.toMillis() + "ms"),
					Map.entry("push.gateway.node.worker-id-strategy", "redis-lease"),
					Map.entry("push.gateway.limits.max-connections-per-user", 2),
					Map.entry("push.gateway.recovery.enabled", true), Map.entry("push.gateway.recovery.max-length", 5),
					Map.entry("management.endpoints.web.exposure.include", "health,pushgateway"),
					Map.entry("push.gateway.socketio.enabled", true), Map.entry("push.gateway.http-api.enabled", true),
					Map.entry("push.gateway.http-api.token", API_TOKEN),
					// a user's messages over every node: 20 a second, and refusals never
					// close
					Map.entry("push.gateway.limits.user-messages-per-second", USER_RATE),
					Map.entry("push.gateway.limits.user-rate-strikes", 1000)));

	private final List<TestClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
	}

	private TestClient connect(int node, String uid) {
		TestClient client = TestClient.connect(cluster.node(node).port(), Tokens.forUser(uid));
		this.clients.add(client);
		return client;
	}

	private static PushOperations push(int node) {
		return cluster.node(node).bean(PushOperations.class);
	}

	private static PresenceOperations presence(int node) {
		return cluster.node(node).bean(PresenceOperations.class);
	}

	private static String uid() {
		return "user-" + UUID.randomUUID();
	}

	@Test
	void everyNodeLeasedADistinctWorkerId() {
		Set<Integer> workerIds = new HashSet<>();
		for (TestGateway node : cluster.nodes()) {
			workerIds.add(SnowflakeIdGenerator.workerIdOf(node.bean(SnowflakeIdGenerator.class).nextId()));
		}
		assertThat(workerIds).hasSize(3);
	}

	@Test
	void longPollingNeedsNoStickySessions() {
		String uid = uid();
		PollingClient client = PollingClient.open(cluster.node(0).port(), "?access_token=" + Tokens.forUser(uid),
				false);
		try {
			Map<String, Object> welcome = client.next("welcome");
			long sid = Long.parseLong((String) welcome.get("sid"));
			// the registry entry is written in the next sync, like a WebSocket's
			await().until(() -> !presence(2).socketsOf(uid).block().isEmpty());
			assertThat(presence(2).socketsOf(uid).block()).extracting(SocketPresence::node)
				.containsExactly((String) welcome.get("node"));
			// from now on the session's requests reach other nodes, which relay them to
			// node 1
			client.via(cluster.node(1).port());
			client.startPolling();
			push(2).pushToUser(uid, "relayed", Map.of("n", 1)).block();
			assertThat(client.next("push")).containsEntry("ev", "relayed").containsEntry("d", Map.of("n", 1));
			push(1).pushToSocket(sid, "by-socket", 2).block();
			assertThat(client.next("push")).containsEntry("ev", "by-socket");
			client.via(cluster.node(2).port());
			assertThat(client.send("{\"t\":\"msg\",\"id\":\"r1\",\"ev\":\"echo\",\"d\":\"round trip\"}"))
				.isEqualTo(204);
			assertThat(client.next("reply")).containsEntry("id", "r1").containsEntry("d", "round trip");
			assertThat(PollingClient
				.pollRequest(0, cluster.node(2).port(), sid + ".forged-secret." + client.session().split("\\.")[2])
				.statusCode()).isEqualTo(404);
			assertThat(client.end()).isEqualTo(204);
			assertThat(client.awaitClose().code()).isEqualTo(1000);
			await().until(() -> presence(2).socketsOf(uid).block().isEmpty());
		}
		finally {
			client.close();
		}
	}

	@Test
	void serverSentEventsNeedNoStickySessions() {
		String uid = uid();
		try (SseClient stream = SseClient.open(cluster.node(0).port(), "/ws/sse?access_token=" + Tokens.forUser(uid),
				Map.of())) {
			Map<String, Object> welcome = stream.next("welcome");
			long sid = Long.parseLong((String) welcome.get("sid"));
			await().until(() -> !presence(2).socketsOf(uid).block().isEmpty());
			assertThat(presence(2).socketsOf(uid).block()).extracting(SocketPresence::node)
				.containsExactly((String) welcome.get("node"));
			push(2).pushToUser(uid, "from-node-3", Map.of("n", 1)).block();
			assertThat(stream.next("push")).containsEntry("_event", "from-node-3").containsEntry("d", Map.of("n", 1));
			// frames posted to other nodes are relayed to the node holding the stream
			assertThat(stream.send(cluster.node(1).port(),
					"{\"t\":\"msg\",\"id\":\"r1\",\"ev\":\"echo\",\"d\":\"via 2\"}"))
				.isEqualTo(204);
			assertThat(stream.next("reply")).containsEntry("id", "r1").containsEntry("d", "via 2");
			assertThat(stream.send(cluster.node(2).port(),
					"{\"t\":\"msg\",\"id\":\"r2\",\"ev\":\"echo\",\"d\":\"via 3\"}"))
				.isEqualTo(204);
			assertThat(stream.next("reply")).containsEntry("id", "r2").containsEntry("d", "via 3");
			push(1).pushToSocket(sid, "by-socket", 2).block();
			assertThat(stream.next("push")).containsEntry("ev", "by-socket");
		}
		await().until(() -> presence(2).socketsOf(uid).block().isEmpty());
	}

	@Test
	void theServerAttachesAUsersConnectionsOnOtherNodesToAGuid() {
		String uid = uid();
		TestClient client = connect(0, uid);
		long sid = Long.parseLong((String) client.next("welcome").get("sid"));
		// the registry knows where the user's connections are after its next sync
		await().until(() -> !presence(2).socketsOf(uid).block().isEmpty());
		String guid = "server-" + UUID.randomUUID();
		cluster.node(2).bean(GuidOperations.class).attach(PushTarget.user(uid), guid).block();
		assertThat(client.next("joined")).containsEntry("id", "").containsEntry("g", guid);
		push(1).pushToGuid(guid, "to-the-guid", 1).block();
		assertThat(client.next("push")).containsEntry("ev", "to-the-guid").containsEntry("g", guid);
		cluster.node(1).bean(GuidOperations.class).detach(PushTarget.socket(sid), guid).block();
		assertThat(client.next("left")).containsEntry("id", "").containsEntry("g", guid);
		client.close();
	}

	@Test
	void socketIoLongPollingNeedsNoStickySessions() throws Exception {
		String uid = uid();
		String open = engineIo(0, "GET", "", null);
		String sid = open.substring(9, open.indexOf('"', 9));
		// every request after the open lands on another node, which relays it
		assertThat(engineIo(1, "POST", sid, "40{\"token\":\"" + Tokens.forUser(uid) + "\"}")).isEqualTo("ok");
		String connected = engineIo(2, "GET", sid, null);
		assertThat(connected).startsWith("40{\"sid\":\"");
		await().until(() -> !presence(2).socketsOf(uid).block().isEmpty());
		assertThat(engineIo(1, "POST", sid, "421[\"echo\",\"relayed\"]")).isEqualTo("ok");
		String answers = "";
		while (!answers.contains("431[\"relayed\"]")) {
			answers += engineIo(2, "GET", sid, null);
		}
		push(1).pushToUser(uid, "from-node-2", Map.of("n", 1)).block();
		String pushed = "";
		while (!pushed.contains("from-node-2")) {
			pushed += engineIo(1, "GET", sid, null);
		}
		assertThat(pushed).contains("42[\"from-node-2\",{\"n\":1}");
		// a WebSocket cannot be relayed: the upgrade must reach the node holding the
		// session, elsewhere it is refused and the client stays on long-polling
		assertThatExceptionOfType(CompletionException.class).isThrownBy(() -> HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.buildAsync(URI.create(
					"ws://127.0.0.1:" + cluster.node(1).port() + "/socket.io/?EIO=4&transport=websocket&sid=" + sid),
					new WebSocket.Listener() {
					})
			.join())
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(400));
		assertThat(engineIo(2, "POST", sid, "1")).isEqualTo("ok");
		await().until(() -> presence(2).socketsOf(uid).block().isEmpty());
	}

	private static String engineIo(int node, String method, String sid, String body) throws Exception {
		String query = "?EIO=4&transport=polling" + (sid.isEmpty() ? "" : "&sid=" + sid);
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(node).port() + "/socket.io/" + query))
				.method(method,
						(body != null) ? HttpRequest.BodyPublishers.ofString(body)
								: HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body();
	}

	@Test
	void pushOnNodeOneReachesUserOnNodeThreeExactlyOnce() {
		String uid = uid();
		TestClient client = connect(2, uid);
		client.next("welcome");

		var result = push(0).pushToUser(uid, "cross", Map.of("from", "node-1")).block();

		assertThat(result.localDeliveries()).isZero();
		assertThat(client.next("push")).containsEntry("id", result.messageId())
			.containsEntry("d", Map.of("from", "node-1"));
		push(1).pushToUser(uid, "marker", "end").block();
		assertThat(client.next("push")).as("no duplicate before the marker").containsEntry("ev", "marker");
	}

	@Test
	void aPushIssuedInATransactionIsSentAfterTheCommitAndNeverAfterARollback() {
		EmbeddedDatabase database = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
			.generateUniqueName(true)
			.build();
		try {
			JdbcTemplate jdbc = new JdbcTemplate(database);
			jdbc.execute("create table shipments (id varchar(64) primary key)");
			TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(database));
			String uid = uid();
			TestClient client = connect(2, uid);
			client.next("welcome");
			PushOperations pushes = push(0);

			String held = transactions.execute((status) -> {
				jdbc.update("insert into shipments values (?)", "o-1");
				PushResult result = pushes.pushToUser(uid, "order.shipped", Map.of("order", "o-1")).block();
				assertThat(result.localDeliveries()).isZero();
				// a push that does not wait, through the same node and bus, comes first:
				// the held one was not sent before the commit
				pushes.immediately().pushToUser(uid, "marker", "in the transaction").block();
				assertThat(client.next("push")).containsEntry("ev", "marker");
				assertThatExceptionOfType(PushRejectedException.class).isThrownBy(
						() -> pushes.pushWithAck(PushTarget.user(uid), "confirm", "x", Duration.ofSeconds(1)).block())
					.withMessageContaining("transaction");
				return result.messageId();
			});
			assertThat(client.next("push")).containsEntry("ev", "order.shipped").containsEntry("id", held);

			transactions.executeWithoutResult((status) -> {
				jdbc.update("insert into shipments values (?)", "o-2");
				pushes.pushToUser(uid, "order.shipped", Map.of("order", "o-2")).block();
				pushes.once("shipment-o-2").pushToUser(uid, "order.shipped", Map.of("order", "o-2")).block();
				status.setRollbackOnly();
			});
			// the rolled back push's idempotency key is free again: the retry is issued
			String retried = transactions.execute((status) -> {
				jdbc.update("insert into shipments values (?)", "o-2");
				return pushes.once("shipment-o-2")
					.pushToUser(uid, "order.shipped", Map.of("order", "o-2", "retry", true))
					.block()
					.messageId();
			});
			assertThat(client.next("push")).as("nothing of the rolled back transaction")
				.containsEntry("id", retried)
				.containsEntry("d", Map.of("order", "o-2", "retry", true));
			assertThat(jdbc.queryForList("select id from shipments", String.class)).containsExactlyInAnyOrder("o-1",
					"o-2");
			push(1).pushToUser(uid, "marker", "end").block();
			assertThat(client.next("push")).as("no duplicate before the marker").containsEntry("ev", "marker");
		}
		finally {
			database.shutdown();
		}
	}

	@Test
	void operatorsSeeTheBusTheRegistryAndUsersOnOtherNodes() {
		String uid = uid();
		TestClient client = connect(2, uid);
		client.next("welcome");
		String sid = Long.toString(cluster.node(2).bean(LocalHub.class).connectionsOf(uid).get(0).socketId());
		String nodeThree = cluster.node(2)
			.bean(PushGatewayHealthIndicator.class)
			.health()
			.getDetails()
			.get("node")
			.toString();

		push(0).pushToUser(uid, "observed", "x").block();
		assertThat(client.next("push")).containsEntry("ev", "observed");

		MeterRegistry origin = cluster.node(0).bean(MeterRegistry.class);
		MeterRegistry receiver = cluster.node(2).bean(MeterRegistry.class);
		assertThat(origin.get("push.gateway.bus.publish").timer().count()).isPositive();
		assertThat(receiver.get("push.gateway.bus.delay").timer().count()).isPositive();
		assertThat(receiver.get("push.gateway.bus.received").tag("type", "deliver").counter().count()).isPositive();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> receiver.get("push.gateway.registry.sync").timer().count() > 0);

		Health bus = cluster.node(0).bean(ClusterBusHealthIndicator.class).health();
		assertThat(bus.getStatus()).isEqualTo(Status.UP);
		assertThat(bus.getDetails()).containsEntry("bus", "kafka").containsEntry("consumer", "running");
		assertThat(cluster.node(0).bean(SessionRegistryHealthIndicator.class).health().getStatus())
			.isEqualTo(Status.UP);

		PushGatewayEndpoint endpoint = cluster.node(0).bean(PushGatewayEndpoint.class);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			Map<String, Object> user = endpoint.lookup("users", uid, null, null).block();
			assertThat(user).containsEntry("online", true).containsEntry("next", null);
			assertThat((List<?>) user.get("connections")).singleElement()
				.asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("socketId", sid)
				.containsEntry("node", nodeThree)
				.containsEntry("transport", "websocket")
				.containsEntry("protocol", "push.v1.json")
				.doesNotContainKey("clientAddress");
		});
		assertThat(endpoint.lookup("sockets", sid, null, null).block()).containsEntry("uid", uid)
			.containsEntry("node", nodeThree);
		assertThat(endpoint.node().block()).extractingByKey("cluster")
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("nodes", 3L);
	}

	/*
	 * One bucket for the user in Redis, not one per node: two connections on two nodes
	 * sending 30 messages each get at most the bucket (20) plus what refilled while they
	 * were answered; per-node buckets would admit up to 40 at once.
	 */
	@Test
	void aUsersMessagesAreLimitedOverTheirConnectionsOnEveryNode() {
		String uid = uid();
		List<TestClient> both = List.of(connect(0, uid), connect(1, uid));
		both.forEach((client) -> client.next("welcome"));
		int each = 30;
		long start = System.nanoTime();
		for (int i = 0; i < each; i++) {
			for (TestClient client : both) {
				client.send("{\"t\":\"msg\",\"id\":\"m" + i + "\",\"ev\":\"echo\",\"d\":" + i + "}");
			}
		}
		int replies = 0;
		int limited = 0;
		for (TestClient client : both) {
			for (int i = 0; i < each; i++) {
				Map<String, Object> answer = client
					.next((frame) -> "reply".equals(frame.get("t")) || "error".equals(frame.get("t")));
				if ("reply".equals(answer.get("t"))) {
					replies++;
				}
				else if (Integer.valueOf(ErrorCodes.USER_RATE_LIMITED).equals(answer.get("code"))) {
					limited++;
				}
			}
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		assertThat(replies).as("admitted in %.2f s", seconds)
			.isPositive()
			.isLessThanOrEqualTo(USER_RATE + (int) Math.ceil(seconds * USER_RATE));
		assertThat(limited).as("refused in %.2f s", seconds).isPositive();
	}

	@Test
	void aDisconnectClosesTheTargetsConnectionsOnEveryNodeWithinASecondAndNoOthers() throws Exception {
		String banned = uid();
		TestClient onFirst = connect(0, banned);
		TestClient onSecond = connect(1, banned);
		String bystanderUid = uid();
		TestClient bystander = connect(1, bystanderUid);
		for (TestClient client : List.of(onFirst, onSecond, bystander)) {
			client.next("welcome");
		}
		long issued = System.nanoTime();
		push(2).disconnect(PushTarget.user(banned), DisconnectCodes.DO_NOT_RECONNECT, "bänned").block();
		assertThat(List.of(onFirst.awaitClose(), onSecond.awaitClose()))
			.containsOnly(new TestClient.Close(4006, "bänned"));
		assertThat(Duration.ofNanos(System.nanoTime() - issued)).as("closed on every node within")
			.isLessThan(Duration.ofSeconds(1));
		push(1).pushToUser(bystanderUid, "still", "here").block();
		assertThat(bystander.next("push")).containsEntry("ev", "still");

		// the HTTP API, through a node that holds none of the target's connections
		String moved = uid();
		TestClient elsewhere = connect(2, moved);
		long socketId = Long.parseLong((String) elsewhere.next("welcome").get("sid"));
		assertThat(disconnect(0, "sockets/" + socketId + "?code=4500&reason=maintenance", "").statusCode())
			.isEqualTo(204);
		assertThat(elsewhere.awaitClose()).isEqualTo(new TestClient.Close(4500, "maintenance"));
		HttpResponse<String> refused = disconnect(0, "users/" + bystanderUid + "?code=1000", "");
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("disconnect code 1000");
		assertThat(disconnect(0, "users/" + bystanderUid, "a body").statusCode()).isEqualTo(400);
		assertThat(disconnect(0, "planets/" + bystanderUid, "").statusCode()).isEqualTo(404);

		// a record from a service on the downstream topic
		Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrapServers());
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
				new StringSerializer())) {
			ProducerRecord<String, String> record = new ProducerRecord<>(cluster.topic("downstream"),
					"user:" + bystanderUid, "logged out");
			record.headers().add("X-Type", "disconnect".getBytes(StandardCharsets.UTF_8));
			record.headers().add("X-Target", "user".getBytes(StandardCharsets.UTF_8));
			record.headers().add("X-Uid", bystanderUid.getBytes(StandardCharsets.UTF_8));
			record.headers().add("X-Close-Code", "4006".getBytes(StandardCharsets.UTF_8));
			producer.send(record).get(30, TimeUnit.SECONDS);
		}
		assertThat(bystander.awaitClose()).isEqualTo(new TestClient.Close(4006, "logged out"));
	}

	private static HttpResponse<String> disconnect(int node, String target, String body) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest
				.newBuilder(
						URI.create("http://127.0.0.1:" + cluster.node(node).port() + "/push-api/disconnect/" + target))
				.header("Authorization", "Bearer " + API_TOKEN)
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	/*
	 * What a logout does on a cluster: the connections opened with one credential close
	 * on whichever node holds them, within a second; the user's others stay. Named by
	 * user, or, as after the end of a session whose user is unknown, on everyone's
	 * connections.
	 */
	@Test
	void aCredentialsConnectionsCloseOnEveryNodeAndNoOthers() {
		String uid = uid();
		TestClient first = TestClient.connect(cluster.node(0).port(), Tokens.withId(uid, "session-a", Instant.now()));
		TestClient second = TestClient.connect(cluster.node(1).port(), Tokens.withId(uid, "session-b", Instant.now()));
		this.clients.add(first);
		this.clients.add(second);
		first.next("welcome");
		second.next("welcome");
		long issued = System.nanoTime();
		push(2).disconnectCredential(PushTarget.user(uid), "session-a", DisconnectCodes.DO_NOT_RECONNECT, "logged out")
			.block();
		assertThat(first.awaitClose()).isEqualTo(new TestClient.Close(4006, "logged out"));
		assertThat(Duration.ofNanos(System.nanoTime() - issued)).as("closed on its node within")
			.isLessThan(Duration.ofSeconds(1));
		push(2).pushToUser(uid, "still", "here").block();
		assertThat(second.next("push")).containsEntry("ev", "still");

		push(0).disconnectCredential(PushTarget.all(), "session-b", DisconnectCodes.DO_NOT_RECONNECT, "session ended")
			.block();
		assertThat(second.awaitClose()).isEqualTo(new TestClient.Close(4006, "session ended"));
	}

	@Test
	void aBannedUserIsClosedEverywhereWithinASecondRefusedOnEveryNodeAndWelcomeOnceUnbanned() throws Exception {
		String banned = uid();
		TestClient onFirst = connect(0, banned);
		TestClient onSecond = connect(1, banned);
		String bystanderUid = uid();
		TestClient bystander = connect(2, bystanderUid);
		for (TestClient client : List.of(onFirst, onSecond, bystander)) {
			client.next("welcome");
		}
		long issued = System.nanoTime();
		bans(2).banUser(banned, null).block();
		assertThat(List.of(onFirst.awaitClose(), onSecond.awaitClose()))
			.containsOnly(new TestClient.Close(4006, "banned"));
		assertThat(Duration.ofNanos(System.nanoTime() - issued)).as("closed on every node within")
			.isLessThan(Duration.ofSeconds(1));
		for (int node = 0; node < 3; node++) {
			assertThat(handshakeStatus(node, Tokens.forUser(banned))).as("node %d", node).isEqualTo(403);
		}
		push(1).pushToUser(bystanderUid, "still", "here").block();
		assertThat(bystander.next("push")).containsEntry("ev", "still");

		// lifted through the HTTP API of another node: welcome again everywhere
		assertThat(bans(0, "DELETE", "users/" + banned).statusCode()).isEqualTo(204);
		connect(1, banned).next("welcome");
		connect(2, banned).next("welcome");

		// banned until a time over HTTP, with the state to show for it
		String until = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS).toString();
		assertThat(bans(1, "PUT", "users/" + banned + "?until=" + until).statusCode()).isEqualTo(204);
		HttpResponse<String> state = bans(2, "GET", "users/" + banned);
		assertThat(state.statusCode()).isEqualTo(200);
		assertThat(JSON.readValue(state.body(), Map.class)).containsEntry("banned", true)
			.containsEntry("bannedUntil", until);
		assertThat(handshakeStatus(0, Tokens.forUser(banned))).isEqualTo(403);
		assertThat(bans(1, "PUT", "users/" + banned + "?until=tomorrow").statusCode()).isEqualTo(400);
		// an until in the past would silently lift the ban in force: refused
		HttpResponse<String> past = bans(1, "PUT", "users/" + banned + "?until=2020-01-01T00:00:00Z");
		assertThat(past.statusCode()).isEqualTo(400);
		assertThat(past.body()).contains("must be in the future");
		assertThat(handshakeStatus(2, Tokens.forUser(banned))).isEqualTo(403);
		// a malformed escape anywhere in the query: the same 400, without the target
		// (java.net.URI refuses to send one: a raw request)
		try (Socket socket = new Socket("127.0.0.1", cluster.node(1).port())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write(("GET /push-api/bans/users/" + banned + "?x=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
						+ API_TOKEN + "\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(answer).startsWith("HTTP/1.1 400").contains("percent-escape").doesNotContain("/push-api");
		}
		assertThat(bans(1, "POST", "users/" + banned).statusCode()).isEqualTo(405);
		assertThat(bans(0, "DELETE", "users/" + banned).statusCode()).isEqualTo(204);
		connect(0, banned).next("welcome");
	}

	@Test
	void aRevokedTokenIsClosedAndRefusedEverywhereWhileTheUsersOtherTokensStay() throws Exception {
		String uid = uid();
		Instant now = Instant.now();
		String stolen = Tokens.withId(uid, "stolen-" + uid, now.minusSeconds(60));
		String kept = Tokens.withId(uid, "kept-" + uid, now.minusSeconds(30));
		TestClient thief = TestClient.connect(cluster.node(0).port(), stolen);
		TestClient owner = TestClient.connect(cluster.node(1).port(), kept);
		this.clients.addAll(List.of(thief, owner));
		thief.next("welcome");
		owner.next("welcome");

		long issued = System.nanoTime();
		bans(2).revokeToken(uid, "stolen-" + uid, now.plus(Duration.ofMinutes(10))).block();
		assertThat(thief.awaitClose()).isEqualTo(new TestClient.Close(4006, "token revoked"));
		assertThat(Duration.ofNanos(System.nanoTime() - issued)).isLessThan(Duration.ofSeconds(1));
		for (int node = 0; node < 3; node++) {
			assertThat(handshakeStatus(node, stolen)).as("node %d", node).isEqualTo(401);
		}
		push(2).pushToUser(uid, "still", "yours").block();
		assertThat(owner.next("push")).containsEntry("ev", "still");

		// "log out everywhere" over HTTP: the tokens issued before now go, a new one
		// stays
		String fresh = Tokens.withId(uid, "fresh-" + uid, now.plusSeconds(1));
		TestClient later = TestClient.connect(cluster.node(2).port(), fresh);
		this.clients.add(later);
		later.next("welcome");
		assertThat(bans(0, "PUT", "users/" + uid + "/tokens?issued-before=" + now).statusCode()).isEqualTo(204);
		assertThat(owner.awaitClose()).isEqualTo(new TestClient.Close(4006, "token revoked"));
		assertThat(handshakeStatus(1, kept)).isEqualTo(401);
		push(0).pushToUser(uid, "only", "the new one").block();
		assertThat(later.next("push")).containsEntry("ev", "only");

		// "now" by default, at the whole seconds of iat: a token issued right after it,
		// within the same second, is welcome
		assertThat(bans(2, "PUT", "users/" + uid + "/tokens").statusCode()).isEqualTo(204);
		TestClient rightAfter = TestClient.connect(cluster.node(1).port(),
				Tokens.withId(uid, "right-after-" + uid, Instant.now()));
		this.clients.add(rightAfter);
		rightAfter.next("welcome");

		// both revocations lifted: the old tokens are welcome again
		assertThat(bans(1, "DELETE", "users/" + uid + "/tokens").statusCode()).isEqualTo(204);
		assertThat(bans(1, "DELETE", "users/" + uid + "/tokens/stolen-" + uid).statusCode()).isEqualTo(204);
		TestClient back = TestClient.connect(cluster.node(0).port(), stolen);
		this.clients.add(back);
		back.next("welcome");
		assertThat(bans(2, "PUT", "users/" + uid + "/tokens/kept-" + uid).statusCode()).as("until is required")
			.isEqualTo(400);
	}

	private static BanOperations bans(int node) {
		return cluster.node(node).bean(BanOperations.class);
	}

	private static int handshakeStatus(int node, String token) {
		return TestClient.rejectedStatus(cluster.node(node).port(), "?access_token=" + token, "push.v1.json", Map.of());
	}

	private static HttpResponse<String> bans(int node, String method, String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(node).port() + "/push-api/bans/" + path))
				.header("Authorization", "Bearer " + API_TOKEN)
				.method(method, HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void recordFromAPlainKafkaProducerReachesTheUser() throws Exception {
		String uid = uid();
		TestClient client = connect(1, uid);
		client.next("welcome");
		Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrapServers());
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
				new StringSerializer())) {
			ProducerRecord<String, String> record = new ProducerRecord<>(cluster.topic("downstream"), "user:" + uid,
					"{\"title\":\"from a plain producer\"}");
			record.headers().add("X-Target", "user".getBytes(StandardCharsets.UTF_8));
			record.headers().add("X-Uid", uid.getBytes(StandardCharsets.UTF_8));
			record.headers().add("X-Event", "news".getBytes(StandardCharsets.UTF_8));
			producer.send(record).get(30, TimeUnit.SECONDS);
		}

		Map<String, Object> push = client.next("push");

		assertThat(push).containsEntry("ev", "news").containsEntry("d", Map.of("title", "from a plain producer"));
		assertThat(Long.parseLong((String) push.get("id"))).isPositive();
		push(0).pushToUser(uid, "marker", "end").block();
		assertThat(client.next("push")).as("delivered once, by the one node holding the user")
			.containsEntry("ev", "marker");
	}

	@Test
	void acknowledgedPushReportsExactlyTheConnectionsThatAckedAcrossNodes() {
		String uid = uid();
		TestClient phone = connect(0, uid);
		TestClient laptop = connect(2, uid);
		long phoneSid = Long.parseLong((String) phone.next("welcome").get("sid"));
		long laptopSid = Long.parseLong((String) laptop.next("welcome").get("sid"));
		await().atMost(Duration.ofSeconds(5)).until(() -> presence(1).socketsOf(uid).block().size() == 2);

		var result = push(1).pushWithAck(PushTarget.user(uid), "invoice", "due", Duration.ofSeconds(2));
		var pending = result.toFuture();
		Map<String, Object> atPhone = phone.next("push");
		Map<String, Object> atLaptop = laptop.next("push");
		assertThat(atPhone).containsEntry("a", 1).containsEntry("id", atLaptop.get("id"));
		phone.send("{\"t\":\"ack\",\"id\":\"" + atPhone.get("id") + "\"}");
		phone.send("{\"t\":\"ack\",\"id\":\"" + atPhone.get("id") + "\"}");

		var acked = pending.join();
		assertThat(acked.acknowledged()).containsExactly(phoneSid);
		assertThat(acked.messageId()).isEqualTo(atPhone.get("id"));

		// a retry to the socket that did not acknowledge carries the same message ID
		var retry = push(1)
			.pushWithAck(PushTarget.socket(laptopSid), "invoice", "due", Duration.ofSeconds(2), acked.messageId())
			.toFuture();
		assertThat(laptop.next("push")).containsEntry("id", acked.messageId());
		laptop.send("{\"t\":\"ack\",\"id\":\"" + acked.messageId() + "\"}");
		assertThat(retry.join().acknowledged()).containsExactly(laptopSid);
	}

	@Test
	void clientReconnectingToAnotherNodeGetsExactlyWhatItMissedThenLiveOnes() {
		String uid = uid();
		TestClient first = connect(0, uid);
		first.next("welcome");
		push(1).pushRecoverable(PushTarget.user(uid), "n", 0).block();
		String position = (String) first.next("push").get("p");
		first.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> !presence(2).isOnline(uid).block());

		for (int i = 1; i <= 4; i++) {
			push(i % 3).pushRecoverable(PushTarget.user(uid), "n", i).block();
		}
		TestClient second = TestClient.connect(cluster.node(2).port(),
				"?access_token=" + Tokens.forUser(uid) + "&since=" + position, "push.v1.json", Map.of());
		this.clients.add(second);

		for (int i = 1; i <= 4; i++) {
			assertThat(second.next("push")).containsEntry("d", i);
		}
		assertThat(second.next("recovered")).containsEntry("ok", true).containsEntry("n", 4);
		push(0).pushRecoverable(PushTarget.user(uid), "n", 5).block();
		push(1).pushToUser(uid, "marker", "end").block();
		assertThat(second.next("push")).containsEntry("d", 5);
		assertThat(second.next("push")).as("no duplicates").containsEntry("ev", "marker");

		second.close();
		for (int i = 6; i <= 12; i++) {
			push(0).pushRecoverable(PushTarget.user(uid), "n", i).block();
		}
		TestClient third = TestClient.connect(cluster.node(1).port(),
				"?access_token=" + Tokens.forUser(uid) + "&since=" + position, "push.v1.json", Map.of());
		this.clients.add(third);
		assertThat(third.next("error")).as("a gap beyond the 5 kept pushes").containsEntry("code", 4410);
		assertThat(third.next("recovered")).containsEntry("ok", false);
	}

	@Test
	void recoverablePushesIssuedThroughEveryNodeAtOnceReachEveryNodeInPositionOrder() {
		// two devices (the user limit here), on the nodes that did not issue every push
		String uid = uid();
		List<TestClient> devices = new ArrayList<>();
		for (int node : new int[] { 0, 2 }) {
			TestClient device = connect(node, uid);
			device.next("welcome");
			device.next("recovered");
			devices.add(device);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> presence(1).socketsOf(uid).block().size() == 2);
		Set<Integer> issued = new HashSet<>();
		List<Set<Integer>> received = List.of(new HashSet<>(), new HashSet<>());
		StreamPosition[] last = new StreamPosition[2];
		for (int round = 0; round < 15; round++) {
			List<Mono<PushResult>> atOnce = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				int n = round * 4 + i;
				issued.add(n);
				// each through another node, all at the same moment
				atOnce.add(push((round + i) % 3).pushRecoverable(PushTarget.user(uid), "n", n));
			}
			Flux.merge(atOnce).blockLast(Duration.ofSeconds(10));
			// each round read before the next: this cluster keeps 5 pushes per stream,
			// and
			// a node a loaded machine left further behind than that is rightly told 4410
			for (int d = 0; d < devices.size(); d++) {
				for (int i = 0; i < 4; i++) {
					Map<String, Object> push = devices.get(d)
						.next((frame) -> frame.get("t").equals("push") || frame.get("t").equals("error")
								|| frame.get("t").equals("recovered"));
					assertThat(push).as("no gap given up, no new epoch").containsEntry("t", "push");
					StreamPosition position = StreamPosition.parse((String) push.get("p"));
					if (last[d] != null) {
						assertThat(position).as("the push after %s", last[d]).isEqualTo(last[d].next());
					}
					last[d] = position;
					received.get(d).add((Integer) push.get("d"));
				}
			}
		}
		assertThat(received).containsOnly(issued);
	}

	@Test
	void plainPushesIssuedOneAfterAnotherThroughOneNodeReachEveryNodeInThatOrder() {
		// issued through the node between the two devices' nodes: every push crosses
		// the bus
		String uid = uid();
		List<TestClient> devices = new ArrayList<>();
		for (int node : new int[] { 0, 2 }) {
			TestClient device = connect(node, uid);
			device.next("welcome");
			devices.add(device);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> presence(1).socketsOf(uid).block().size() == 2);
		for (int n = 0; n < 100; n++) {
			push(1).pushToUser(uid, "n", n).block();
		}
		for (TestClient device : devices) {
			for (int n = 0; n < 100; n++) {
				assertThat(device.next("push")).containsEntry("d", n);
			}
		}
	}

	@Test
	void guidPushSpansNodes() {
		String guid = "open-" + UUID.randomUUID();
		List<TestClient> members = new ArrayList<>();
		for (int node = 0; node < 3; node++) {
			TestClient client = connect(node, uid());
			client.next("welcome");
			client.send("{\"t\":\"join\",\"id\":\"j\",\"g\":\"" + guid + "\"}");
			client.next("joined");
			members.add(client);
		}

		var result = push(1).pushToGuid(guid, "edit", "x").block();

		assertThat(result.localDeliveries()).isEqualTo(1);
		for (TestClient member : members) {
			assertThat(member.next("push")).containsEntry("id", result.messageId()).containsEntry("g", guid);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> presence(0).guidConnections(guid).block() == 3);
	}

	@Test
	void broadcastReachesEveryConnectionOfEveryNode() {
		List<TestClient> everyone = new ArrayList<>();
		for (int i = 0; i < 9; i++) {
			TestClient client = connect(i % 3, uid());
			client.next("welcome");
			everyone.add(client);
		}

		var result = push(2).broadcast("all-hands", "now").block();

		for (TestClient client : everyone) {
			assertThat(client.next("push")).containsEntry("id", result.messageId());
		}
	}

	@Test
	void presenceFollowsConnectAndDisconnectFromAnyNode() {
		String uid = uid();
		TestClient client = connect(1, uid);
		Map<String, Object> welcome = client.next("welcome");
		long sid = Long.parseLong((String) welcome.get("sid"));

		await().atMost(Duration.ofSeconds(5)).until(() -> presence(0).isOnline(uid).block());
		assertThat(presence(2).socketsOf(uid).block())
			.containsExactly(new SocketPresence(sid, (String) welcome.get("node")));

		client.close();

		await().atMost(Duration.ofSeconds(5)).until(() -> !presence(0).isOnline(uid).block());
	}

	@Test
	void userLimitHoldsAcrossNodes() {
		String uid = uid();
		TestClient oldest = connect(0, uid);
		oldest.next("welcome");
		await().atMost(Duration.ofSeconds(5)).until(() -> presence(1).socketsOf(uid).block().size() == 1);
		TestClient second = connect(1, uid);
		second.next("welcome");
		await().atMost(Duration.ofSeconds(5)).until(() -> presence(1).socketsOf(uid).block().size() == 2);

		TestClient newest = connect(2, uid);
		newest.next("welcome");

		assertThat(oldest.awaitClose().code()).isEqualTo(4003);
		await().atMost(Duration.ofSeconds(5)).until(() -> presence(2).socketsOf(uid).block().size() == 2);
		assertThat(second.isClosed()).isFalse();
		assertThat(newest.isClosed()).isFalse();
	}

	@Test
	void killedNodeLeavesNoGhosts() throws Exception {
		Process process = TestNodeMain.start(cluster.nodeProperties(3));
		try {
			int port = TestNodeMain.awaitReady(process);
			String uid = uid();
			TestClient client = TestClient.connect(port, Tokens.forUser(uid));
			this.clients.add(client);
			client.next("welcome");
			await().atMost(Duration.ofSeconds(5)).until(() -> presence(0).isOnline(uid).block());

			long killedAt = System.nanoTime();
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

			await().atMost(Duration.ofSeconds(15)).until(() -> !presence(0).isOnline(uid).block());
			Duration ghostLifetime = Duration.ofNanos(System.nanoTime() - killedAt);
			assertThat(ghostLifetime).isLessThanOrEqualTo(NODE_TIMEOUT.plus(NODE_HEARTBEAT.multipliedBy(4)));
			// the sweep forgets the node after its sessions: the stats follow within a
			// heartbeat or two (a loaded machine read 4 right after the user went
			// offline)
			await().atMost(Duration.ofSeconds(5)).until(() -> presence(1).stats().block().nodes() == 3);
		}
		finally {
			process.destroyForcibly();
		}
	}

	@Test
	void redisRestartUnderLiveConnectionsKeepsThemAndPresenceRecovers() {
		String local = uid();
		String remote = uid();
		TestClient onNodeOne = connect(0, local);
		TestClient onNodeTwo = connect(1, remote);
		onNodeOne.next("welcome");
		onNodeTwo.next("welcome");
		await().atMost(Duration.ofSeconds(5)).until(() -> presence(2).isOnline(remote).block());

		cluster.redis().restart();

		assertThat(push(0).pushToUser(local, "local", "still here").block().localDeliveries()).isEqualTo(1);
		assertThat(onNodeOne.next("push")).containsEntry("ev", "local");
		push(0).pushToUser(remote, "remote", "via kafka").block();
		assertThat(onNodeTwo.next("push")).containsEntry("ev", "remote");
		await().atMost(Duration.ofSeconds(15))
			.ignoreExceptions()
			.until(() -> presence(2).isOnline(remote).block() && presence(2).isOnline(local).block());
		assertThat(onNodeOne.isClosed()).isFalse();
		assertThat(onNodeTwo.isClosed()).isFalse();
	}

}
