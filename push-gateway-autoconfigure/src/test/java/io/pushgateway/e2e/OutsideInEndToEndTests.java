package io.pushgateway.e2e;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushRules;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.id.NodeId;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.PollingClient;
import io.pushgateway.support.RawWebSocket;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The paths a client written from {@code docs/} alone takes, one step off the project's
 * own clients: a WebSocket without a subprotocol header, 64-bit IDs read by a JSON parser
 * that rounds numbers, and refusals that must not repeat the caller's credentials.
 *
 * @author Push Gateway team
 */
@ExtendWith({ BlockHoundExtension.class, OutputCaptureExtension.class })
class OutsideInEndToEndTests {

	private static final String API_TOKEN = "outside-in-api-token";

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = new JsonMapper();

	private static TestGateway gateway;

	private final List<AutoCloseable> resources = new ArrayList<>();

	@BeforeAll
	static void startGateway() {
		gateway = TestGateway.start(Map.of("push.gateway.limits.max-connections-per-user", 2,
				"push.gateway.http-api.enabled", true, "push.gateway.http-api.token", API_TOKEN,
				"management.endpoints.web.exposure.include", "pushgateway", "push.gateway.connections.client-address",
				true, "push.gateway.console.enabled", true));
	}

	@AfterAll
	static void stopGateway() {
		gateway.close();
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	private TestClient connectWithoutSubprotocol(String uid) {
		TestClient client = TestClient.connect(gateway.port(), "?access_token=" + Tokens.forUser(uid), null, Map.of());
		this.resources.add(client);
		return client;
	}

	private static String uid() {
		return "outside-" + UUID.randomUUID();
	}

	@Test
	void rawUpgradeWithoutSubprotocolHeaderIsWelcomedAndAnsweredAsJson() throws Exception {
		String uid = uid();
		try (RawWebSocket raw = RawWebSocket.open(gateway.port())) {
			raw.write(RawWebSocket.request(gateway.port(), "/ws?access_token=" + Tokens.forUser(uid), null, "13", true)
				.getBytes(StandardCharsets.US_ASCII));
			assertThat(raw.readStatus()).isEqualTo(101);
			JsonNode welcome = JSON.readTree(raw.nextText());
			assertThat(welcome.get("t").asString()).isEqualTo("welcome");
			assertThat(welcome.get("uid").asString()).isEqualTo(uid);
			raw.text("{\"t\":\"ping\"}");
			assertThat(JSON.readTree(raw.nextText()).get("t").asString()).isEqualTo("pong");
		}
	}

	@Test
	void connectionWithoutSubprotocolIsCountedPushedToAndLimitedLikeAnyOther() throws Exception {
		String uid = uid();
		TestClient first = connectWithoutSubprotocol(uid);
		assertThat(first.subprotocol()).isEmpty();
		String sid = (String) first.next("welcome").get("sid");
		TestClient second = connectWithoutSubprotocol(uid);
		second.next("welcome");
		assertThat(gateway.bean(LocalHub.class).connectionsOf(uid)).hasSize(2);

		JsonNode presence = get("/push-api/presence/users/" + uid);
		assertThat(presence.get("online").asBoolean()).isTrue();
		assertThat(presence.get("sockets")).hasSize(2);

		HttpResponse<String> pushed = post("/push-api/users/" + uid + "?event=hello", "{\"n\":1}");
		assertThat(pushed.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(pushed.body()).get("localDeliveries").asInt()).isEqualTo(2);
		assertThat(first.next("push")).containsEntry("ev", "hello");
		assertThat(second.next("push")).containsEntry("ev", "hello");

		// the per-user limit sees them: a third device replaces the oldest
		TestClient third = connectWithoutSubprotocol(uid);
		third.next("welcome");
		assertThat(first.awaitClose().code()).isEqualTo(CloseCodes.REPLACED);
		await().untilAsserted(() -> assertThat(gateway.bean(LocalHub.class).connectionsOf(uid)).hasSize(2)
			.noneMatch((connection) -> sid.equals(Long.toString(connection.socketId()))));
	}

	@Test
	void connectionWithoutSubprotocolIsClosedForSilence() {
		try (TestGateway quick = TestGateway
			.start(Map.of("push.gateway.heartbeat.interval", "200ms", "push.gateway.heartbeat.timeout", "800ms"))) {
			TestClient silent = TestClient.connect(quick.port(), "?access_token=" + Tokens.forUser(uid()), null,
					Map.of());
			this.resources.add(silent);
			silent.next("welcome");
			assertThat(silent.awaitClose().code()).isEqualTo(CloseCodes.HEARTBEAT_TIMEOUT);
			await().until(() -> quick.bean(LocalHub.class).connectionCount() == 0);
		}
	}

	@Test
	void longPollingOpenWithoutProtocolSpeaksJson() {
		String uid = uid();
		PollingClient client = PollingClient.open(gateway.port(), "?access_token=" + Tokens.forUser(uid));
		this.resources.add(client);
		assertThat(client.next("welcome")).containsEntry("uid", uid);
		assertThat(gateway.bean(LocalHub.class).connectionsOf(uid)).hasSize(1);
	}

	@Test
	void everyMessageAndSocketIdLeavesTheHttpApiAsADecimalString() throws Exception {
		String uid = uid();
		TestClient client = TestClient.connect(gateway.port(), Tokens.forUser(uid));
		this.resources.add(client);
		String sid = (String) client.next("welcome").get("sid");

		JsonNode pushed = JSON.readTree(post("/push-api/users/" + uid + "?event=plain", "1").body());
		assertThat(pushed.get("messageId").isString()).as("messageId of %s", pushed).isTrue();
		assertThat(client.next("push").get("id")).isEqualTo(pushed.get("messageId").asString());

		JsonNode acked = JSON.readTree(ackWhileWaiting(client, uid));
		assertThat(acked.get("messageId").isString()).as("messageId of %s", acked).isTrue();
		assertThat(acked.get("acknowledged").get(0).isString()).isTrue();
		assertThat(acked.get("acknowledged").get(0).asString()).isEqualTo(sid);

		JsonNode presence = get("/push-api/presence/users/" + uid);
		assertThat(presence.get("sockets").get(0).get("socketId").isString()).isTrue();
		assertThat(presence.get("sockets").get(0).get("socketId").asString()).isEqualTo(sid);

		JsonNode socket = JSON
			.readTree(HTTP.send(HttpRequest.newBuilder(uri("/actuator/pushgateway/sockets/" + sid)).build(),
					HttpResponse.BodyHandlers.ofString())
				.body());
		assertThat(socket.get("socketId").isString()).isTrue();
		assertThat(socket.get("socketId").asString()).isEqualTo(sid);
	}

	/*
	 * docs/http-api.md, "Listing connections", step by step: a user's connections on two
	 * transports, a page at a time, then a GUID's; the same through Actuator.
	 */
	@Test
	void connectionsAreListedPageByPageAsTheDocsShow() throws Exception {
		String uid = uid();
		String guid = "doc-" + UUID.randomUUID();
		String token = Tokens.sign(uid, List.of(guid), Duration.ofMinutes(5), Tokens.SECRET);
		TestClient webSocket = TestClient.connect(gateway.port(), token);
		this.resources.add(webSocket);
		String first = (String) webSocket.next("welcome").get("sid");
		PollingClient polling = PollingClient.open(gateway.port(), "?access_token=" + token);
		this.resources.add(polling);
		String second = (String) polling.next("welcome").get("sid");

		JsonNode page = get("/push-api/connections/users/" + uid + "?limit=1");
		assertThat(page.get("connections")).hasSize(1);
		JsonNode connection = page.get("connections").get(0);
		assertThat(connection.get("socketId").asString()).isEqualTo(first);
		assertThat(connection.get("uid").asString()).isEqualTo(uid);
		assertThat(connection.get("node").asString()).isEqualTo(gateway.bean(NodeId.class).value());
		assertThat(connection.get("transport").asString()).isEqualTo("websocket");
		assertThat(connection.get("protocol").asString()).isEqualTo("push.v1.json");
		assertThat(connection.get("clientAddress").asString()).isEqualTo("127.0.0.1");
		assertThat(connection.get("guids").get(0).asString()).isEqualTo(guid);
		assertThat(Instant.parse(connection.get("openedAt").asString())).isBefore(Instant.now().plusSeconds(1));
		JsonNode next = get("/push-api/connections/users/" + uid + "?limit=1&cursor=" + page.get("next").asString());
		assertThat(next.get("connections").get(0).get("socketId").asString()).isEqualTo(second);
		assertThat(next.get("connections").get(0).get("transport").asString()).isEqualTo("polling");
		assertThat(next.get("next").isNull()).isTrue();
		assertThat(get("/push-api/connections/guids/" + guid).get("connections")).hasSize(2);

		JsonNode actuator = JSON
			.readTree(HTTP.send(HttpRequest.newBuilder(uri("/actuator/pushgateway/users/" + uid + "?limit=1")).build(),
					HttpResponse.BodyHandlers.ofString())
				.body());
		assertThat(actuator.get("online").asBoolean()).isTrue();
		assertThat(actuator.get("connections").get(0).get("socketId").asString()).isEqualTo(first);
		assertThat(actuator.get("next").asString()).isEqualTo(page.get("next").asString());

		for (String refused : List.of("?limit=0", "?limit=1001", "?limit=ten", "?cursor=abc", "?cursor=-1")) {
			HttpResponse<String> answer = HTTP
				.send(HttpRequest.newBuilder(uri("/push-api/connections/users/" + uid + refused))
					.header("Authorization", "Bearer " + API_TOKEN)
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(answer.statusCode()).as(refused).isEqualTo(400);
			assertThat(JSON.readTree(answer.body()).get("error").asString()).as(refused).isNotBlank();
		}
		assertThat(HTTP
			.send(HttpRequest.newBuilder(uri("/push-api/connections/sockets/" + first))
				.header("Authorization", "Bearer " + API_TOKEN)
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(404);
		assertThat(HTTP
			.send(HttpRequest.newBuilder(uri("/push-api/connections/users/" + uid)).build(),
					HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(401);
	}

	/*
	 * A token with less than the refresh lead (30 s) left when it connects is asked for a
	 * fresh one right after the welcome, not at the node's next check (every 15 s with
	 * the default heartbeat), which could come after it expired. Its expiry here: 40 s
	 * ago plus the 60 s clock skew, 20 s from now.
	 */
	@Test
	void aTokenAboutToExpireIsAskedToRefreshRightAfterTheWelcome() {
		String uid = uid();
		TestClient client = TestClient.connect(gateway.port(),
				Tokens.sign(uid, List.of(), Duration.ofSeconds(-40), Tokens.SECRET));
		this.resources.add(client);
		client.next("welcome");
		long welcomed = System.nanoTime();
		Map<String, Object> ask = client.next();
		assertThat(ask).containsEntry("t", "refresh");
		assertThat(((Number) ask.get("in")).longValue()).isBetween(1L, 20_000L);
		assertThat(Duration.ofNanos(System.nanoTime() - welcomed)).as("asked after the welcome within")
			.isLessThan(Duration.ofSeconds(5));
		client.send("{\"t\":\"refresh\",\"id\":\"r1\",\"token\":\"" + Tokens.forUser(uid) + "\"}");
		assertThat(client.next("refreshed")).containsEntry("id", "r1");
	}

	/*
	 * docs/operations.md, "The console": without Spring Security the page is public,
	 * holds no data and calls the HTTP API with the token the operator enters.
	 */
	@Test
	void theConsoleIsServedAsTheDocsSay() throws Exception {
		HttpResponse<String> bare = HTTP.send(HttpRequest.newBuilder(uri("/push-console")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(bare.statusCode()).as(bare.headers() + bare.body()).isEqualTo(302);
		assertThat(bare.headers().firstValue("Location")).hasValue("/push-console/");
		HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(uri("/push-console/")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
		assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
		assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
		assertThat(page.body()).contains("<meta name=\"push-api-path\" content=\"/push-api\">");
		for (String script : List.of("console.js", "js/admin.js", "js/client.js")) {
			HttpResponse<String> js = HTTP.send(HttpRequest.newBuilder(uri("/push-console/" + script)).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(js.statusCode()).as(script).isEqualTo(200);
			assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
		}
		assertThat(rawHttp("GET /push-console/../application.yml HTTP/1.1\r\n")).startsWith("HTTP/1.1 404");
		assertThat(rawHttp("GET /push-console/js/%2e%2e/x HTTP/1.1\r\n")).startsWith("HTTP/1.1 404");
		assertThat(HTTP
			.send(HttpRequest.newBuilder(uri("/push-console/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
					HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(405);
		// the page's data is the API's, which wants the token
		assertThat(HTTP
			.send(HttpRequest.newBuilder(uri("/push-api/presence/nodes")).build(), HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(401);
		JsonNode nodes = get("/push-api/presence/nodes");
		assertThat(nodes.get("nodes").get(0).get("node").asString()).isEqualTo(gateway.bean(NodeId.class).value());
	}

	/**
	 * Sends an acknowledged push, acknowledges it from the client, and returns the body.
	 */
	private String ackWhileWaiting(TestClient client, String uid) throws Exception {
		var response = HTTP.sendAsync(HttpRequest.newBuilder(uri("/push-api/users/" + uid + "?event=needs-ack&ack=10s"))
			.header("Authorization", "Bearer " + API_TOKEN)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("3"))
			.build(), HttpResponse.BodyHandlers.ofString());
		Map<String, Object> push = client.next((frame) -> "needs-ack".equals(frame.get("ev")));
		client.send("{\"t\":\"ack\",\"id\":\"" + push.get("id") + "\"}");
		HttpResponse<String> answered = response.join();
		assertThat(answered.statusCode()).isEqualTo(200);
		return answered.body();
	}

	@Test
	void longPollingBatchesCarryIdsAsStrings() throws Exception {
		String uid = uid();
		PollingClient client = PollingClient.open(gateway.port(), "?access_token=" + Tokens.forUser(uid));
		this.resources.add(client);
		assertThat(client.next("welcome").get("sid")).isInstanceOf(String.class);
		JsonNode pushed = JSON.readTree(post("/push-api/users/" + uid + "?event=polled", "{}").body());
		Map<String, Object> push = client.next("push");
		assertThat(push.get("id")).isInstanceOf(String.class).isEqualTo(pushed.get("messageId").asString());
	}

	@Test
	void refusalsAndLogsNeverRepeatTheCallersToken(CapturedOutput output) throws Exception {
		String token = Tokens.forUser(uid());
		String malformed = "?access_token=" + token + "&guid=%zz";
		List<String> responses = new ArrayList<>();
		responses.add(rawHttp("GET /ws" + malformed + " HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"));
		responses.add(rawHttp("POST /ws/poll/open" + malformed + " HTTP/1.1\r\nContent-Length: 0\r\n"));
		responses.add(rawHttp("POST /push-api/users/%zz?event=x HTTP/1.1\r\nAuthorization: Bearer " + API_TOKEN
				+ "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
		responses.add(rawHttp("POST /push-api/users/alice?event=x&uid=%zz HTTP/1.1\r\nAuthorization: Bearer "
				+ API_TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
		responses.add(rawHttp("POST /ws/poll/open?access_token=" + token + "x HTTP/1.1\r\nContent-Length: 0\r\n"));
		responses.add(rawHttp("POST /push-api/broadcast?event=x HTTP/1.1\r\nAuthorization: Bearer not-" + API_TOKEN
				+ "\r\nContent-Length: 0\r\n"));
		assertThat(responses).extracting((response) -> response.substring(9, 12))
			.containsExactly("400", "400", "400", "400", "401", "401");
		assertThat(responses.get(1)).contains("malformed request target");
		for (String response : responses) {
			assertThat(response).doesNotContain(token).doesNotContain(API_TOKEN);
		}
		assertThat(output.getAll()).doesNotContain(token).doesNotContain(API_TOKEN);
	}

	/**
	 * One set of rules for every way in; the Kafka path is held to the same in
	 * {@code KafkaRecordContractEndToEndTests}.
	 */
	@Test
	void javaAndHttpPushesObeyTheSameRules() throws Exception {
		PushOperations push = gateway.bean(PushOperations.class);
		String longEvent = "e".repeat(PushRules.MAX_EVENT_LENGTH + 1);
		assertThatExceptionOfType(PushRejectedException.class)
			.isThrownBy(() -> push.pushToUser("u", longEvent, "x").block());
		assertThatExceptionOfType(PushRejectedException.class)
			.isThrownBy(() -> push.pushToUser("u", "e", Payload.json("{\"a\":")).block())
			.withMessageContaining("not valid JSON");
		assertThatExceptionOfType(PushRejectedException.class)
			.isThrownBy(() -> push.pushToUser("u", "e", Payload.json("1 2")).block())
			.withMessageContaining("more than one JSON value");
		assertThat(post("/push-api/users/u?event=" + longEvent, "1").statusCode()).isEqualTo(400);
		assertThat(post("/push-api/users/u?event=e", "{\"a\":").statusCode()).isEqualTo(400);
		assertThat(post("/push-api/users/u?event=e", "1 2").statusCode()).isEqualTo(400);
		assertThat(push.pushToUser("u", "e", Payload.json(" {\"fine\":true} ")).block().localDeliveries()).isZero();
	}

	@Test
	void withNativeForwardedHeadersThePerAddressLimitCountsClientsNotTheProxy() throws Exception {
		try (TestGateway behindProxy = TestGateway.start(
				Map.of("server.forward-headers-strategy", "native", "push.gateway.limits.max-connections-per-ip", 1))) {
			assertThat(openBehindProxy(behindProxy, "203.0.113.7")).isEqualTo(200);
			assertThat(openBehindProxy(behindProxy, "203.0.113.8")).isEqualTo(200);
			assertThat(openBehindProxy(behindProxy, "203.0.113.7")).isEqualTo(429);
		}
	}

	@Test
	void frameworkForwardedHeadersAreReportedAsNotReachingTheGateway(CapturedOutput output) {
		try (TestGateway framework = TestGateway.start(Map.of("server.forward-headers-strategy", "framework"))) {
			assertThat(output.getAll()).contains("server.forward-headers-strategy=framework does not apply");
		}
	}

	/** A long-polling open as a proxy forwards it for a client address. */
	private static int openBehindProxy(TestGateway node, String client) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest
			.newBuilder(URI
				.create("http://127.0.0.1:" + node.port() + "/ws/poll/open?access_token=" + Tokens.forUser(uid())))
			.header("X-Forwarded-For", client)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		return response.statusCode();
	}

	/** One request over a plain socket, for targets the JDK's client refuses to send. */
	private static String rawHttp(String head) throws Exception {
		String request = head.contains("\r\n\r\n") ? head : head + "\r\n";
		request = request.replaceFirst("\r\n", "\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
		try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static URI uri(String path) {
		return URI.create("http://127.0.0.1:" + gateway.port() + path);
	}

	private static JsonNode get(String path) throws Exception {
		return JSON.readTree(
				HTTP.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + API_TOKEN).build(),
						HttpResponse.BodyHandlers.ofString())
					.body());
	}

	private static HttpResponse<String> post(String path, String json) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(uri(path))
			.header("Authorization", "Bearer " + API_TOKEN)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
