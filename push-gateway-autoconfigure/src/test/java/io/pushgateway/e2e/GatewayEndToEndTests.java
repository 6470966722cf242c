package io.pushgateway.e2e;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushResult;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.ErrorReasons;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end behaviour of one gateway node, with real WebSocket clients over real
 * sockets.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class GatewayEndToEndTests {

	private static final String API_TOKEN = "api-token-for-tests";

	private static final List<byte[]> NOT_UTF8 = List.of(
			// an encoded surrogate, an overlong '/', a code point above U+10FFFF
			new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, new byte[] { (byte) 0xC0, (byte) 0xAF },
			new byte[] { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 });

	private static TestGateway gateway;

	private static PushOperations push;

	private final List<TestClient> clients = new ArrayList<>();

	@BeforeAll
	static void startGateway() {
		gateway = TestGateway
			.start(Map.of("push.gateway.limits.max-connections-per-user", 2, "push.gateway.websocket.max-frame-size",
					"8KB", "push.gateway.websocket.max-queued-size", "64KB", "push.gateway.websocket.close-timeout",
					"30s", "push.gateway.websocket.allowed-origins", "https://app.example.com",
					"push.gateway.http-api.enabled", true, "push.gateway.http-api.token", API_TOKEN));
		push = gateway.bean(PushOperations.class);
	}

	@AfterAll
	static void stopGateway() {
		gateway.close();
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
	}

	private TestClient connect(String uid) {
		return connect(uid, "push.v1.json");
	}

	private TestClient connect(String uid, String subprotocol) {
		TestClient client = TestClient.connect(gateway.port(), "?access_token=" + Tokens.forUser(uid), subprotocol,
				Map.of());
		this.clients.add(client);
		return client;
	}

	private static String uid() {
		return "user-" + UUID.randomUUID();
	}

	private static long socketId(Map<String, Object> welcome) {
		return Long.parseLong((String) welcome.get("sid"));
	}

	@Test
	void welcomeAnnouncesSocketIdAndHeartbeat() {
		String uid = uid();
		Map<String, Object> welcome = connect(uid).next();
		assertThat(welcome).containsEntry("t", "welcome")
			.containsEntry("v", 1)
			.containsEntry("uid", uid)
			.containsEntry("hb", 25000)
			.containsEntry("node", "node-0");
		assertThat(socketId(welcome)).isPositive();
		MeterRegistry meters = gateway.bean(MeterRegistry.class);
		assertThat(meters.counter("push.gateway.frames.out", "type", "welcome").count()).isPositive();
		assertThat(meters.counter("push.gateway.handshakes", "outcome", "accepted").count()).isPositive();
		assertThat(meters.get("push.gateway.connections").gauge().value()).isPositive();
	}

	@Test
	void handshakeWithoutTokenIsRejectedWith401() {
		assertThat(TestClient.rejectedStatus(gateway.port(), "", "push.v1.json", Map.of())).isEqualTo(401);
	}

	@Test
	void handshakeWithBadTokenIsRejectedWith401() {
		String forged = Tokens.sign("mallory", List.of(), Duration.ofMinutes(5),
				"another-secret-of-thirty-two-bytes!!");
		String expired = Tokens.sign("alice", List.of(), Duration.ofMinutes(-5), Tokens.SECRET);
		assertThat(TestClient.rejectedStatus(gateway.port(), "?access_token=" + forged, "push.v1.json", Map.of()))
			.isEqualTo(401);
		assertThat(TestClient.rejectedStatus(gateway.port(), "?access_token=" + expired, "push.v1.json", Map.of()))
			.isEqualTo(401);
		assertThat(TestClient.rejectedStatus(gateway.port(), "?access_token=not.a.jwt", "push.v1.json", Map.of()))
			.isEqualTo(401);
	}

	@Test
	void handshakeFromForeignOriginIsRejectedWith403() {
		String query = "?access_token=" + Tokens.forUser(uid());
		assertThat(TestClient.rejectedStatus(gateway.port(), query, "push.v1.json",
				Map.of("Origin", "https://evil.example.org")))
			.isEqualTo(403);
		TestClient allowed = TestClient.connect(gateway.port(), query, "push.v1.json",
				Map.of("Origin", "https://app.example.com"));
		this.clients.add(allowed);
		assertThat(allowed.next()).containsEntry("t", "welcome");
	}

	@Test
	void handshakeWithUnsupportedSubprotocolIsRejectedWith400() {
		assertThat(
				TestClient.rejectedStatus(gateway.port(), "?access_token=" + Tokens.forUser(uid()), "mqtt", Map.of()))
			.isEqualTo(400);
	}

	@Test
	void tokenInAuthorizationHeaderIsAccepted() {
		TestClient client = TestClient.connect(gateway.port(), "", "push.v1.json",
				Map.of("Authorization", "Bearer " + Tokens.forUser("header-user")));
		this.clients.add(client);
		assertThat(client.next()).containsEntry("uid", "header-user");
	}

	@Test
	void pushToUserReachesEveryDevice() {
		String uid = uid();
		TestClient phone = connect(uid);
		TestClient laptop = connect(uid);
		TestClient stranger = connect(uid());
		phone.next("welcome");
		laptop.next("welcome");
		stranger.next("welcome");

		PushResult result = push.pushToUser(uid, "news", Map.of("title", "hello")).block();

		assertThat(result.localDeliveries()).isEqualTo(2);
		for (TestClient device : List.of(phone, laptop)) {
			assertThat(device.next("push")).containsEntry("id", result.messageId())
				.containsEntry("ev", "news")
				.containsEntry("d", Map.of("title", "hello"));
		}
		push.broadcast("marker", "end").block();
		assertThat(stranger.next("push")).as("first push the stranger sees").containsEntry("ev", "marker");
	}

	@Test
	void pushToManyUsersReachesEachOnce() {
		String a = uid();
		String b = uid();
		TestClient clientA = connect(a);
		TestClient clientB = connect(b);
		clientA.next("welcome");
		clientB.next("welcome");

		PushResult result = push.pushToUsers(List.of(a, b, a), "digest", "daily").block();

		assertThat(result.localDeliveries()).isEqualTo(2);
		assertThat(clientA.next("push")).containsEntry("d", "daily");
		assertThat(clientB.next("push")).containsEntry("d", "daily");
		push.pushToUser(a, "marker", "end").block();
		assertThat(clientA.next("push")).containsEntry("ev", "marker");
	}

	@Test
	void pushToGuidReachesAttachedConnectionsOnly() {
		String guid = "open-" + UUID.randomUUID();
		TestClient viaHandshake = TestClient.connect(gateway.port(),
				"?access_token=" + Tokens.forUser(uid()) + "&guid=" + guid, "push.v1.json", Map.of());
		this.clients.add(viaHandshake);
		TestClient viaToken = TestClient.connect(gateway.port(),
				"?access_token=" + Tokens.sign(uid(), List.of(guid), Duration.ofMinutes(5), Tokens.SECRET),
				"push.v1.json", Map.of());
		this.clients.add(viaToken);
		TestClient viaJoin = connect(uid());
		TestClient outsider = connect(uid());
		assertThat(viaHandshake.next("welcome").get("g")).isEqualTo(List.of(guid));
		assertThat(viaToken.next("welcome").get("g")).isEqualTo(List.of(guid));
		viaJoin.next("welcome");
		outsider.next("welcome");
		viaJoin.send("{\"t\":\"join\",\"id\":\"j1\",\"g\":\"" + guid + "\"}");
		assertThat(viaJoin.next("joined")).containsEntry("id", "j1").containsEntry("g", guid);

		PushResult result = push.pushToGuid(guid, "edit", Payload.json("{\"op\":\"insert\"}")).block();

		assertThat(result.localDeliveries()).isEqualTo(3);
		for (TestClient member : List.of(viaHandshake, viaToken, viaJoin)) {
			assertThat(member.next("push")).containsEntry("g", guid).containsEntry("d", Map.of("op", "insert"));
		}
		viaJoin.send("{\"t\":\"leave\",\"id\":\"l1\",\"g\":\"" + guid + "\"}");
		assertThat(viaJoin.next("left")).containsEntry("id", "l1");
		assertThat(push.pushToGuid(guid, "edit", "again").block().localDeliveries()).isEqualTo(2);
		assertThat(outsider.drain()).noneMatch((frame) -> "push".equals(frame.get("t")));
	}

	@Test
	void joinDeniedByTheApplicationGetsAnErrorAndNoMembership() {
		TestClient client = connect(uid());
		client.next("welcome");
		client.send("{\"t\":\"join\",\"id\":\"j\",\"g\":\"secret-doc\"}");
		assertThat(client.next("error")).containsEntry("id", "j").containsEntry("code", 4403);
		assertThat(gateway.bean(LocalHub.class).guidSize("secret-doc")).isZero();
		assertThat(TestClient.rejectedStatus(gateway.port(),
				"?access_token=" + Tokens.forUser(uid()) + "&guid=secret-doc", "push.v1.json", Map.of()))
			.isEqualTo(403);
	}

	@Test
	void pushToSocketReachesThatConnectionOnly() {
		String uid = uid();
		TestClient first = connect(uid);
		TestClient second = connect(uid);
		long sid = socketId(first.next("welcome"));
		second.next("welcome");

		assertThat(push.pushToSocket(sid, "direct", "only you").block().localDeliveries()).isEqualTo(1);

		assertThat(first.next("push")).containsEntry("d", "only you");
		push.pushToUser(uid, "marker", "end").block();
		assertThat(second.next("push")).containsEntry("ev", "marker");
	}

	/*
	 * A push's WebSocket frame is encoded once for all its recipients, header included;
	 * each of the header's three length forms (7, 16 and 64 bits) reaches text and binary
	 * clients whole.
	 */
	@Test
	void pushesOfEveryFrameLengthArriveWhole() {
		String uid = uid();
		TestClient json = connect(uid, "push.v1.json");
		TestClient binary = connect(uid, "push.v1.msgpack");
		json.next("welcome");
		binary.next("welcome");
		for (int length : new int[] { 10, 125, 126, 300, 60_000 }) {
			String payload = "x".repeat(length);
			push.pushToUser(uid, "sized", payload).block();
			assertThat(json.next("push")).containsEntry("d", payload);
			assertThat(binary.next("push")).containsEntry("d", payload);
		}
	}

	@Test
	void broadcastReachesEveryConnection() {
		List<TestClient> everyone = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			TestClient client = connect(uid(), (i % 2 == 0) ? "push.v1.json" : "push.v1.msgpack");
			client.next("welcome");
			everyone.add(client);
		}

		PushResult result = push.broadcast("announcement", "maintenance at noon").block();

		assertThat(result.localDeliveries()).isGreaterThanOrEqualTo(20);
		for (TestClient client : everyone) {
			assertThat(client.next("push")).containsEntry("id", result.messageId())
				.containsEntry("d", "maintenance at noon");
		}
	}

	@Test
	void oldestConnectionIsClosedWhenUserExceedsLimit() {
		String uid = uid();
		TestClient oldest = connect(uid);
		oldest.next("welcome");
		TestClient middle = connect(uid);
		middle.next("welcome");
		TestClient newest = connect(uid);
		newest.next("welcome");

		assertThat(oldest.awaitClose().code()).isEqualTo(4003);
		assertThat(middle.isClosed()).isFalse();
		assertThat(gateway.bean(LocalHub.class).connectionsOf(uid)).hasSize(2);
		assertThat(push.pushToUser(uid, "ping", "x").block().localDeliveries()).isEqualTo(2);
	}

	@Test
	void whenQueueOverflowsThenSlowClientIsClosedWhileOthersKeepReceiving() {
		String slowUid = uid();
		TestClient slow = connect(slowUid);
		long slowSid = socketId(slow.next("welcome"));
		TestClient healthy = connect(uid());
		healthy.next("welcome");
		slow.pauseReading();
		LocalHub hub = gateway.bean(LocalHub.class);
		byte[] chunk = new byte[16 * 1024];

		for (int i = 0; i < 8000 && hub.connection(slowSid) != null; i++) {
			push.pushToUser(slowUid, "bulk", chunk).block();
			if (i % 50 == 0) {
				assertThat(hub.connection(slowSid) == null || hub.connection(slowSid).queuedBytes() <= 64 * 1024)
					.isTrue();
			}
		}
		await().atMost(TestClient.TIMEOUT).until(() -> hub.connection(slowSid) == null);

		assertThat(gateway.bean(MeterRegistry.class).counter("push.gateway.closes", "reason", "slow_consumer").count())
			.isPositive();
		push.broadcast("still-alive", "yes").block();
		assertThat(healthy.next("push")).containsEntry("ev", "still-alive");
		slow.resumeReading();
		assertThat(slow.awaitClose().code()).isEqualTo(4002);
	}

	@Test
	void oversizedFrameClosesOnlyThatConnectionWith1009() {
		TestClient offender = connect(uid());
		TestClient bystander = connect(uid());
		offender.next("welcome");
		bystander.next("welcome");

		offender.send("{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"echo\",\"d\":\"" + "x".repeat(9000) + "\"}");

		assertThat(offender.awaitClose().code()).isEqualTo(1009);
		bystander.send("{\"t\":\"msg\",\"id\":\"2\",\"ev\":\"echo\",\"d\":\"still here\"}");
		assertThat(bystander.next("reply")).containsEntry("d", "still here");
	}

	@Test
	void malformedEnvelopesCloseWith4000() {
		for (String bad : List.of("not json", "[1,2]", "{\"t\":1}", "{\"id\":\"1\"}", "{\"t\":\"msg\",\"id\":\"1\"}",
				"{\"t\":\"ping\"} trailing", "{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"e\",\"b\":\"%%%\"}",
				"{\"t\":\"join\",\"id\":\"" + "9".repeat(65) + "\",\"g\":\"x\"}")) {
			TestClient offender = connect(uid());
			offender.next("welcome");
			offender.send(bad);
			assertThat(offender.awaitClose().code()).as(bad).isEqualTo(4000);
		}
		TestClient bystander = connect(uid());
		bystander.next("welcome");
		bystander.send("{\"t\":\"ping\"}");
		bystander.send("{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"echo\",\"d\":1}");
		assertThat(bystander.next("reply")).containsEntry("d", 1);
	}

	@Test
	void malformedFramesAreClosedWithFixedReasonsThatNameNoLibrary() {
		Map<String, String> reasons = new LinkedHashMap<>();
		reasons.put("{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"echo\",\"d\":" + "[".repeat(2000) + "]".repeat(2000) + "}",
				"malformed frame: JSON nested too deeply or holding too long a value");
		// Jackson's message would name the start marker's location, and a feature
		reasons.put("{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"echo\",\"d\":{\"a\":", "malformed frame: invalid JSON");
		reasons.put("not json", "malformed frame: invalid JSON");
		reasons.forEach((frame, reason) -> {
			TestClient offender = connect(uid());
			offender.next("welcome");
			offender.send(frame);
			TestClient.Close close = offender.awaitClose();
			assertThat(close.code()).isEqualTo(4000);
			assertThat(close.reason()).isEqualTo(reason);
			ErrorReasons.assertNamesNoInternals(close.reason());
		});
		// a map of one entry whose key is a never-used byte
		TestClient msgpack = connect(uid(), "push.v1.msgpack");
		msgpack.next("welcome");
		msgpack.sendBinary(new byte[] { (byte) 0x81, (byte) 0xC1, 0x01 });
		TestClient.Close close = msgpack.awaitClose();
		assertThat(close.code()).isEqualTo(4000);
		assertThat(close.reason()).startsWith("malformed frame: ");
		ErrorReasons.assertNamesNoInternals(close.reason());
		TestClient truncated = connect(uid(), "push.v1.msgpack");
		truncated.next("welcome");
		truncated.sendBinary(new byte[] { (byte) 0x81, (byte) 0xA1, 't', (byte) 0xDA, 0x10 });
		close = truncated.awaitClose();
		assertThat(close).isEqualTo(new TestClient.Close(4000, "malformed frame: invalid MessagePack"));
	}

	@Test
	void tokensTheServerCannotVerifyAreRefusedWithAFixedReason() throws Exception {
		// HS512 needs a secret of 512 bits, longer than this server's
		String hs512 = Tokens.sign("mallory", List.of(), Duration.ofMinutes(5),
				"a-secret-of-at-least-sixty-four-bytes-which-hs512-asks-of-its-signers", JWSAlgorithm.HS512);
		String forged = Tokens.sign("mallory", List.of(), Duration.ofMinutes(5),
				"another-secret-of-thirty-two-bytes!!");
		String expired = Tokens.sign("alice", List.of(), Duration.ofMinutes(-5), Tokens.SECRET);
		for (String token : List.of(hs512, forged, expired, "not.a.jwt", "x")) {
			assertThat(TestClient.rejectedStatus(gateway.port(), "?access_token=" + token, "push.v1.json", Map.of()))
				.isEqualTo(401);
			HttpResponse<String> refused = ErrorReasons.refusedHandshake(gateway.port(), token);
			assertThat(refused.statusCode()).isEqualTo(401);
			assertThat(refused.body()).isEqualTo("invalid token\n");
		}
	}

	@Test
	void binaryFrameOnJsonProtocolClosesWith1003() {
		TestClient offender = connect(uid());
		offender.next("welcome");
		offender.sendBinary(new byte[] { 1, 2, 3 });
		assertThat(offender.awaitClose().code()).isEqualTo(1003);
	}

	@Test
	void heartbeatsInEveryFormAreAnsweredAndCounted() throws IOException, InterruptedException {
		MeterRegistry meters = gateway.bean(MeterRegistry.class);
		double pings = meters.counter("push.gateway.frames.in", "type", "ping").count();
		double pingBytes = meters.counter("push.gateway.bytes.in", "type", "ping").count();
		double pongs = meters.counter("push.gateway.frames.out", "type", "pong").count();
		double pongBytes = meters.counter("push.gateway.bytes.out", "type", "pong").count();
		TestClient json = connect(uid());
		json.next("welcome");
		// the form the clients send (matched before the parser), and another
		String spaced = "{ \"t\": \"ping\", \"id\": \"p\" }";
		json.send("{\"t\":\"ping\"}");
		json.send(spaced);
		TestClient binary = connect(uid(), "push.v1.msgpack");
		binary.next("welcome");
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packMapHeader(1).packString("t").packString("ping");
			binary.sendBinary(packer.toByteArray());
		}
		await().untilAsserted(() -> {
			assertThat(meters.counter("push.gateway.frames.in", "type", "ping").count() - pings).isEqualTo(3);
			assertThat(meters.counter("push.gateway.frames.out", "type", "pong").count() - pongs).isEqualTo(3);
		});
		assertThat(meters.counter("push.gateway.bytes.in", "type", "ping").count() - pingBytes)
			.isEqualTo(12 + spaced.length() + 8);
		assertThat(meters.counter("push.gateway.bytes.out", "type", "pong").count() - pongBytes).isEqualTo(12 + 12 + 8);
		// each pong arrives as a whole frame of the connection's kind (the client decodes
		// it)
		await().until(() -> json.pongs() == 2);
		assertThat(binary.poll(Duration.ofSeconds(5))).isEqualTo(Map.of("t", "pong", "_binary", true));
		json.send("{\"t\":\"msg\",\"id\":\"after\",\"ev\":\"echo\",\"d\":1}");
		assertThat(json.next("reply")).containsEntry("id", "after");
	}

	@Test
	void unknownFrameTypeGetsAnErrorAndTheConnectionStays() {
		TestClient client = connect(uid());
		client.next("welcome");
		client.send("{\"t\":\"subscribe\",\"id\":\"s1\"}");
		assertThat(client.next("error")).containsEntry("id", "s1").containsEntry("code", 4400);
		client.send("{\"t\":\"ping\"}");
		client.send("{\"t\":\"msg\",\"id\":\"2\",\"ev\":\"echo\",\"d\":true}");
		assertThat(client.next("reply")).containsEntry("d", true);
	}

	@Test
	void upstreamMessageReachesHandlerAndReplyIsCorrelated() {
		String uid = uid();
		TestClient client = connect(uid);
		long sid = socketId(client.next("welcome"));

		client.send("{\"t\":\"msg\",\"id\":\"a-1\",\"ev\":\"whoami\",\"d\":null}");
		client.send("{\"t\":\"msg\",\"id\":\"a-2\",\"ev\":\"echo\",\"d\":{\"n\": [1, 2.50, -3e2]}}");

		assertThat(client.next("reply")).containsEntry("id", "a-1")
			.containsEntry("d", Map.of("uid", uid, "sid", Long.toString(sid), "guids", 0));
		Map<String, Object> echo = client.next("reply");
		assertThat(echo).containsEntry("id", "a-2");
		assertThat(echo.get("d")).isEqualTo(Map.of("n", List.of(1, 2.50, -3e2)));
	}

	@Test
	void upstreamErrorsAreAnsweredWithErrorFrames() {
		TestClient client = connect(uid());
		client.next("welcome");
		client.send("{\"t\":\"msg\",\"id\":\"1\",\"ev\":\"nobody-handles-this\"}");
		assertThat(client.next("error")).containsEntry("id", "1").containsEntry("code", 4404);
		client.send("{\"t\":\"msg\",\"id\":\"2\",\"ev\":\"fail\"}");
		assertThat(client.next("error")).containsEntry("id", "2").containsEntry("code", 4500);
	}

	@Test
	void messagePackClientReceivesPushesAndGetsReplies() {
		String uid = uid();
		TestClient client = connect(uid, "push.v1.msgpack");
		assertThat(client.subprotocol()).isEqualTo("push.v1.msgpack");
		assertThat(client.next("welcome")).containsEntry("_binary", true).containsEntry("uid", uid);

		push.pushToUser(uid, "bin", new byte[] { 0, 1, 2, (byte) 255 }).block();
		push.pushToUser(uid, "text", "héllo").block();
		push.pushToUser(uid, "json", Map.of("k", "v")).block();

		assertThat((byte[]) client.next("push").get("d")).containsExactly(0, 1, 2, 255);
		assertThat(client.next("push")).containsEntry("d", "héllo");
		assertThat(client.next("push")).containsEntry("j", "{\"k\":\"v\"}");
		client.sendBinary(msgpack("t", "msg", "id", "m1", "ev", "echo", "d", "over msgpack"));
		assertThat(client.next("reply")).containsEntry("id", "m1").containsEntry("d", "over msgpack");
		client.sendBinary(
				new byte[] { (byte) 0x81, (byte) 0xa1, 't', (byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff });
		assertThat(client.awaitClose().code()).isEqualTo(4000);
	}

	@Test
	void httpPushApiRequiresTheCredential() throws Exception {
		HttpResponse<String> response = post("/push-api/broadcast?event=x", null, "text/plain", "hi");
		assertThat(response.statusCode()).isEqualTo(401);
		response = post("/push-api/broadcast?event=x", "wrong-token", "text/plain", "hi");
		assertThat(response.statusCode()).isEqualTo(401);
	}

	@Test
	void httpPushApiPushesToEveryKindOfTarget() throws Exception {
		String uid = uid();
		String guid = "open-" + UUID.randomUUID();
		TestClient client = TestClient.connect(gateway.port(), "?access_token=" + Tokens.forUser(uid) + "&guid=" + guid,
				"push.v1.json", Map.of());
		this.clients.add(client);
		long sid = socketId(client.next("welcome"));

		HttpResponse<String> toUser = post("/push-api/users/" + uid + "?event=u", API_TOKEN, "application/json",
				"{\"a\": [1, 2]}");
		assertThat(toUser.statusCode()).isEqualTo(200);
		assertThat(toUser.body()).contains("\"localDeliveries\":1");
		assertThat(client.next("push")).containsEntry("ev", "u").containsEntry("d", Map.of("a", List.of(1, 2)));
		assertThat(
				post("/push-api/users?event=us&uid=" + uid + "&uid=other", API_TOKEN, "text/plain", "t").statusCode())
			.isEqualTo(200);
		assertThat(client.next("push")).containsEntry("ev", "us").containsEntry("d", "t");
		assertThat(post("/push-api/guids/" + guid + "?event=g", API_TOKEN, "text/plain; charset=utf-8", "doc")
			.statusCode()).isEqualTo(200);
		assertThat(client.next("push")).containsEntry("ev", "g").containsEntry("g", guid);
		assertThat(
				post("/push-api/sockets/" + sid + "?event=s", API_TOKEN, "application/octet-stream", "AB").statusCode())
			.isEqualTo(200);
		assertThat(client.next("push")).containsEntry("ev", "s").containsEntry("b", "QUI=");
		assertThat(post("/push-api/broadcast?event=all", API_TOKEN, "application/json", "true").statusCode())
			.isEqualTo(200);
		assertThat(client.next("push")).containsEntry("ev", "all").containsEntry("d", true);
	}

	@Test
	void httpPresenceApiAnswersForUsersGuidsAndTheNode() throws Exception {
		String uid = uid();
		String guid = "open-" + UUID.randomUUID();
		TestClient client = TestClient.connect(gateway.port(), "?access_token=" + Tokens.forUser(uid) + "&guid=" + guid,
				"push.v1.json", Map.of());
		this.clients.add(client);
		String sid = (String) client.next("welcome").get("sid");

		assertThat(get("/push-api/presence/users/" + uid, API_TOKEN).body()).contains("\"online\":true")
			.contains("\"socketId\":\"" + sid + "\"")
			.contains("\"node\":\"node-0\"");
		assertThat(get("/push-api/presence/users/nobody", API_TOKEN).body()).contains("\"online\":false");
		assertThat(get("/push-api/presence/guids/" + guid, API_TOKEN).body()).isEqualTo("{\"connections\":1}");
		assertThat(get("/push-api/presence/stats", API_TOKEN).body()).contains("\"nodes\":1");
		assertThat(get("/push-api/presence/stats", null).statusCode()).isEqualTo(401);
	}

	@Test
	void httpPushApiReportsAcknowledgements() throws Exception {
		String uid = uid();
		TestClient acking = connect(uid);
		TestClient silent = connect(uid);
		String ackingSid = (String) acking.next("welcome").get("sid");
		silent.next("welcome");
		Thread pusher = new Thread(() -> {
			Map<String, Object> push = acking.next("push");
			acking.send("{\"t\":\"ack\",\"id\":\"" + push.get("id") + "\"}");
		});
		pusher.start();

		HttpResponse<String> response = post("/push-api/users/" + uid + "?event=e&ack=1s", API_TOKEN, "text/plain",
				"please ack");

		pusher.join();
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"acknowledged\":[\"" + ackingSid + "\"]")
			.contains("\"localDeliveries\":2");
		assertThat(silent.next("push")).containsEntry("a", 1);
		assertThat(post("/push-api/users/" + uid + "?event=e&ack=soon", API_TOKEN, "text/plain", "x").statusCode())
			.isEqualTo(400);
	}

	@Test
	void httpPushApiRejectsBadRequests() throws Exception {
		assertThat(post("/push-api/broadcast", API_TOKEN, "text/plain", "no event").statusCode()).isEqualTo(400);
		assertThat(post("/push-api/broadcast?event=x", API_TOKEN, "application/json", "{broken").statusCode())
			.isEqualTo(400);
		assertThat(post("/push-api/broadcast?event=x", API_TOKEN, "application/json", "1 2").statusCode())
			.isEqualTo(400);
		assertThat(post("/push-api/sockets/abc?event=x", API_TOKEN, "text/plain", "x").statusCode()).isEqualTo(400);
		assertThat(post("/push-api/broadcast?event=x", API_TOKEN, "text/plain", "x".repeat(300 * 1024)).statusCode())
			.isEqualTo(413);
	}

	@Test
	void httpPushApiRefusesJsonAndTextThatIsNotUtf8() throws Exception {
		String uid = uid();
		TestClient client = connect(uid);
		client.next("welcome");
		for (byte[] invalid : NOT_UTF8) {
			for (String contentType : List.of("application/json", "application/problem+json", "text/plain")) {
				byte[] body = contentType.startsWith("text/") ? invalid : quoted(invalid);
				HttpResponse<String> refused = post("/push-api/users/" + uid + "?event=refused", API_TOKEN, contentType,
						body);
				assertThat(refused.statusCode()).as(contentType).isEqualTo(400);
				assertThat(refused.body()).isEqualTo("{\"error\":\"payload is not well-formed UTF-8\"}");
			}
		}
		// nothing went out: the next push the client sees is this one
		assertThat(post("/push-api/users/" + uid + "?event=after", API_TOKEN, "application/json",
				quoted("caf\u00e9 \ud83d\ude00".getBytes(StandardCharsets.UTF_8)))
			.statusCode()).isEqualTo(200);
		assertThat(client.next("push")).containsEntry("ev", "after").containsEntry("d", "caf\u00e9 \ud83d\ude00");
	}

	@Test
	void httpPushApiRefusesMalformedJsonWithFixedReasons() throws Exception {
		Map<String, String> reasons = Map.of("[".repeat(2000) + "]".repeat(2000),
				"payload is JSON nested too deeply or holding too long a value", "{\"a\":", "payload is not valid JSON",
				"{\"a\" 1}", "payload is not valid JSON");
		for (Map.Entry<String, String> body : reasons.entrySet()) {
			HttpResponse<String> refused = post("/push-api/broadcast?event=x", API_TOKEN, "application/json",
					body.getKey());
			assertThat(refused.statusCode()).isEqualTo(400);
			assertThat(refused.body()).isEqualTo("{\"error\":\"" + body.getValue() + "\"}");
			ErrorReasons.assertNamesNoInternals(refused.body());
		}
	}

	@Test
	void pushOperationsRefuseJsonAndTextThatIsNotUtf8() {
		String uid = uid();
		TestClient client = connect(uid);
		long socketId = socketId(client.next("welcome"));
		for (byte[] invalid : NOT_UTF8) {
			for (Payload payload : List.of(Payload.json(quoted(invalid)), new Payload(invalid, PayloadFormat.TEXT))) {
				assertThatExceptionOfType(PushRejectedException.class)
					.isThrownBy(() -> push.pushToUser(uid, "refused", payload).block())
					.withMessage("payload is not well-formed UTF-8");
				assertThatExceptionOfType(PushRejectedException.class)
					.isThrownBy(() -> push.reply(socketId, "m-1", payload).block())
					.withMessage("payload is not well-formed UTF-8");
			}
		}
		// binary payloads are bytes, whatever they hold
		push.pushToUser(uid, "after", Payload.binary(NOT_UTF8.get(0))).block();
		assertThat(client.next("push")).containsEntry("ev", "after").containsEntry("b", "7aCA");
	}

	/* The bytes as the content of a JSON string. */
	private static byte[] quoted(byte[] content) {
		byte[] json = new byte[content.length + 2];
		json[0] = '"';
		System.arraycopy(content, 0, json, 1, content.length);
		json[json.length - 1] = '"';
		return json;
	}

	@Test
	void httpPushApiAnswersUnknownEndpointsAndStreamedOversizedBodies() throws Exception {
		HttpResponse<String> unknown = post("/push-api/nowhere?event=x", API_TOKEN, "text/plain", "x");
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(unknown.body()).isEqualTo("{\"error\":\"no such endpoint\"}");
		assertThat(get("/push-api/broadcast?event=x", API_TOKEN).statusCode()).isEqualTo(404);
		// no Content-Length: the limit is enforced while the body streams in
		HttpRequest chunked = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/push-api/broadcast?event=x"))
			.header("Authorization", "Bearer " + API_TOKEN)
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[300 * 1024])))
			.build();
		assertThat(HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode())
			.isEqualTo(413);
	}

	@Test
	void httpPushApiDecodesPathSegments() throws Exception {
		String uid = "user with/slash-" + UUID.randomUUID();
		TestClient client = connect(uid);
		client.next("welcome");
		String encoded = URLEncoder.encode(uid, StandardCharsets.UTF_8).replace("+", "%20");
		assertThat(post("/push-api/users/" + encoded + "?event=decoded", API_TOKEN, "text/plain", "x").body())
			.contains("\"localDeliveries\":1");
		assertThat(client.next("push")).containsEntry("ev", "decoded");
	}

	private static HttpResponse<String> post(String path, String token, String contentType, String body)
			throws Exception {
		return post(path, token, contentType, body.getBytes(StandardCharsets.UTF_8));
	}

	private static HttpResponse<String> post(String path, String token, String contentType, byte[] body)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> get(String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static byte[] msgpack(String... keysAndValues) {
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packMapHeader(keysAndValues.length / 2);
			for (String item : keysAndValues) {
				packer.packString(item);
			}
			return packer.toByteArray();
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

}
