package io.pushgateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.pushgateway.core.AckResult;
import io.pushgateway.core.GuidOperations;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.ErrorReasons;
import io.pushgateway.support.SocketIoClient;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import io.pushgateway.transport.socketio.SocketIoTransport;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Socket.IO endpoint on one node at the protocol level, with a client written from
 * the Engine.IO and Socket.IO specifications and raw HTTP for long-polling, following
 * {@code docs/socketio.md}: the handshake, CONNECT with {@code auth}, events and acks
 * both ways, rooms, attachments, recovery, the bounds on sessions that never CONNECT, and
 * how the gateway ends a session. The official socket.io-client runs against the sample
 * app in {@code clients/javascript/test/socketio.e2e.test.js}.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class SocketIoEndToEndTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private static TestGateway gateway;

	private static PushOperations push;

	private final List<SocketIoClient> clients = new ArrayList<>();

	@BeforeAll
	static void startGateway() {
		gateway = TestGateway
			// a connect timeout a loaded machine's slow handshake does not reach, which a
			// session that never connects still meets well within a client's wait (10 s)
			.start(Map.of("push.gateway.socketio.enabled", true, "push.gateway.socketio.connect-timeout", "4s",
					"push.gateway.recovery.enabled", true, "push.gateway.websocket.max-queued-size", "64KB",
					"push.gateway.websocket.close-timeout", "20s", "push.gateway.limits.max-connections-per-user", 1));
		push = gateway.bean(PushOperations.class);
	}

	@AfterAll
	static void stopGateway() {
		gateway.close();
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(SocketIoClient::close);
	}

	private SocketIoClient connect(String uid) {
		SocketIoClient client = SocketIoClient.connect(gateway.port(), "{\"token\":\"" + Tokens.forUser(uid) + "\"}");
		this.clients.add(client);
		return client;
	}

	private static String uid() {
		return "sio-" + UUID.randomUUID();
	}

	private static HttpResponse<String> http(String method, String query, String body) throws Exception {
		return HTTP.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/socket.io/" + query))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void aClientRefreshesItsTokenWithTheGatewayRefreshEventAndItsAck() {
		String uid = uid();
		// the client refreshes on its own (the gateway's own ask, gateway:refresh, is the
		// same frame as on every transport: the lifecycle's test and the codec's cover
		// it)
		SocketIoClient client = connect(uid);
		client.next("connect");
		client.emit("7", "gateway:refresh", "\"" + Tokens.forUser(uid) + "\"");
		Map<String, Object> ack = client
			.next((packet) -> "ack".equals(packet.get("t")) && "7".equals(packet.get("id")));
		assertThat(ack.get("args")).asList()
			.singleElement()
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsKey("exp");
		client.emit("8", "gateway:refresh", "\"" + Tokens.forUser("someone-else") + "\"");
		assertThat(client.nextEvent("gateway:close").get("args")).asList()
			.singleElement()
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("code", 4007);
		client.awaitClose();
	}

	@Test
	void longPollingHandshakeConnectAndEventsFollowTheSpecification() throws Exception {
		String uid = uid();
		HttpResponse<String> open = http("GET", "?EIO=4&transport=polling", null);
		assertThat(open.statusCode()).isEqualTo(200);
		assertThat(open.body()).startsWith("0{\"sid\":\"")
			.contains("\"upgrades\":[\"websocket\"]", "\"pingInterval\":");
		String sid = open.body().substring(9, open.body().indexOf('"', 9));
		String session = "?EIO=4&transport=polling&sid=" + sid;
		HttpResponse<String> connect = http("POST", session, "40{\"token\":\"" + Tokens.forUser(uid) + "\"}");
		assertThat(connect.statusCode()).isEqualTo(200);
		assertThat(connect.body()).isEqualTo("ok");
		String connected = http("GET", session, null).body();
		assertThat(connected).matches("40\\{\"sid\":\"\\d+\",\"pid\":\"[\\w-]+\"}");
		long socketId = Long.parseLong(connected.substring(10, connected.indexOf('"', 10)));
		assertThat(gateway.bean(LocalHub.class).connection(socketId)).isNotNull();
		assertThat(gateway.bean(PresenceOperations.class).socketsOf(uid).block()).extracting(SocketPresence::socketId)
			.containsExactly(socketId);

		// two packets in one body, separated by the record separator
		assertThat(http("POST", session, "42[\"echo\",{\"a\":1}]\u001e421[\"echo\",\"two\"]").body()).isEqualTo("ok");
		String answers = "";
		while (!answers.contains("431[\"two\"]")) {
			answers += http("GET", session, null).body();
		}
		assertThat(answers).doesNotContain("{\"a\":1}").as("an emit without an ack gets no answer");
		push.pushToUser(uid, "order.shipped", Map.of("order", 7)).block();
		assertThat(http("GET", session, null).body()).isEqualTo("42[\"order.shipped\",{\"order\":7},null]");
		assertThat(http("POST", session, "1").statusCode()).isEqualTo(200);
		await().until(() -> gateway.bean(LocalHub.class).connection(socketId) == null);
	}

	@Test
	void badRequestsGetEngineIoErrors() throws Exception {
		assertThat(http("GET", "?EIO=3&transport=polling", null).body()).contains("\"code\":5");
		assertThat(http("GET", "?EIO=4&transport=carrier-pigeon", null).body()).contains("\"code\":0");
		assertThat(http("GET", "?EIO=4&transport=polling&sid=nope", null).body()).contains("\"code\":1");
		assertThat(http("POST", "?EIO=4&transport=polling", "40").body()).contains("\"code\":2");
		assertThat(http("GET", "?EIO=4&transport=polling&sid=1.forged.bm9kZS0w", null).statusCode()).isEqualTo(400);
	}

	@Test
	void webSocketSessionIsAConnectionWithEventsAcksAndRooms() {
		String uid = uid();
		SocketIoClient client = connect(uid);
		Map<String, Object> connected = client.next("connect");
		long socketId = Long.parseLong((String) connected.get("sid"));
		assertThat(gateway.bean(LocalHub.class).connection(socketId)).isNotNull();

		client.emit("1", "echo", "{\"n\":[1,2.5]}");
		assertThat(client.next("ack")).containsEntry("id", "1")
			.containsEntry("args", List.of(Map.of("n", List.of(1, 2.5))));
		client.emit("2", "echo", "\"a\",\"b\"");
		assertThat(client.next("ack").get("args")).as("several arguments reach the handler as an array")
			.isEqualTo(List.of(List.of("a", "b")));
		client.emit("3", "nobody-handles-this", "1");
		assertThat(client.next("ack")).containsEntry("args", List
			.of(Map.of("error", Map.of("code", 4404, "message", "no handler for event 'nobody-handles-this'"))));
		client.emit(null, "nobody-handles-this", "1");
		assertThat(client.nextEvent("gateway:error").get("args").toString()).contains("4404");

		String guid = "open-" + UUID.randomUUID();
		client.emit("4", "join", "\"" + guid + "\"");
		assertThat(client.next("ack")).containsEntry("args", List.of(Map.of("guid", guid)));
		push.pushToGuid(guid, "in-room", "text").block();
		assertThat(client.nextEvent("in-room")).containsEntry("args", Arrays.asList("text", null));

		CompletableFuture<AckResult> result = push
			.pushWithAck(PushTarget.user(uid), "confirm", Map.of(), Duration.ofSeconds(5))
			.toFuture();
		Map<String, Object> confirm = client.nextEvent("confirm");
		client.send("43" + confirm.get("ackId") + "[]");
		AckResult acknowledged = result.join();
		assertThat(acknowledged.acknowledged()).containsExactly(socketId);
	}

	@Test
	void theServerPutsSocketsInRoomsAndTakesThemOut() {
		String uid = uid();
		SocketIoClient client = connect(uid);
		client.next("connect");
		String room = "server-room-" + UUID.randomUUID();
		GuidOperations rooms = gateway.bean(GuidOperations.class);
		rooms.attach(PushTarget.user(uid), room).block();
		await().until(() -> gateway.bean(LocalHub.class).connectionsOf(uid).get(0).guids().contains(room));
		push.pushToGuid(room, "in-room", 1).block();
		assertThat(client.nextEvent("in-room")).containsEntry("args", Arrays.asList(1, null));
		rooms.detach(PushTarget.user(uid), room).block();
		await().until(() -> !gateway.bean(LocalHub.class).connectionsOf(uid).get(0).guids().contains(room));
		push.pushToGuid(room, "in-room", 2).block();
		push.pushToUser(uid, "marker", 3).block();
		assertThat(client.next((packet) -> "event".equals(packet.get("t"))).get("ev"))
			.as("nothing for the room once out of it")
			.isEqualTo("marker");
	}

	@Test
	void binaryPayloadsTravelAsAttachments() {
		String uid = uid();
		SocketIoClient client = connect(uid);
		client.next("connect");
		push.pushToUser(uid, "file", new byte[] { 1, 2, 3 }).block();
		Map<String, Object> file = client.nextEvent("file");
		assertThat(file.get("raw")).isEqualTo("451-[\"file\",{\"_placeholder\":true,\"num\":0},null]");
		assertThat((byte[]) file.get("attachment")).containsExactly(1, 2, 3);
		client.send("451-7[\"echo\",{\"_placeholder\":true,\"num\":0}]");
		client.sendBinary(new byte[] { 9, 8 });
		Map<String, Object> ack = client.next("ack");
		assertThat(ack.get("raw")).isEqualTo("461-7[{\"_placeholder\":true,\"num\":0}]");
		assertThat((byte[]) ack.get("attachment")).containsExactly(9, 8);
	}

	@Test
	void refusedConnectIsAConnectErrorAndNothingRegisters() {
		int before = gateway.bean(LocalHub.class).connectionCount();
		SocketIoClient client = SocketIoClient.connect(gateway.port(), "{\"token\":\"not-a-token\"}");
		this.clients.add(client);
		Map<String, Object> error = client.next("connect_error");
		assertThat(error.get("message")).isEqualTo("invalid token");
		assertThat(error.get("data")).isEqualTo(Map.of("status", 401));
		assertThat(client.next("close")).isNotNull();
		SocketIoClient other = SocketIoClient.connect(gateway.port(), "");
		this.clients.add(other);
		assertThat(other.next("connect_error")).containsEntry("data", Map.of("status", 401));
		SocketIoClient admin = SocketIoClient.open(gateway.port());
		this.clients.add(admin);
		admin.next("open");
		String adminUid = uid();
		admin.send("40/admin,{\"token\":\"" + Tokens.forUser(adminUid) + "\"}");
		assertThat(admin.next("connect_error")).containsEntry("message", "Invalid namespace");
		assertThat(gateway.bean(LocalHub.class).connectionsOf(adminUid)).isEmpty();
		// connections of earlier tests may still be closing: the count may only go down
		assertThat(gateway.bean(LocalHub.class).connectionCount()).isLessThanOrEqualTo(before);
	}

	@Test
	void aConnectRefusedWhileTheClientUpgradesReachesItOnTheWebSocket() throws Exception {
		// socket.io-client's default: long-polling, the CONNECT posted while a WebSocket
		// probes; after 3probe it pauses long-polling and polls no more, so the refusal
		// must reach it on the WebSocket it upgrades to
		HttpResponse<String> open = http("GET", "?EIO=4&transport=polling", null);
		String sid = open.body().substring(9, open.body().indexOf('"', 9));
		SocketIoClient websocket = SocketIoClient.upgrade(gateway.port(), sid);
		this.clients.add(websocket);
		websocket.send("2probe");
		assertThat(websocket.next("engine-3")).containsEntry("raw", "3probe");
		int sessions = gateway.bean(SocketIoTransport.class).sessionCount();
		assertThat(http("POST", "?EIO=4&transport=polling&sid=" + sid, "40{\"token\":\"not-a-token\"}").body())
			.isEqualTo("ok");
		await().until(() -> gateway.bean(SocketIoTransport.class).sessionCount() < sessions);
		websocket.send("5");
		assertThat(websocket.next("connect_error")).containsEntry("message", "invalid token")
			.containsEntry("data", Map.of("status", 401));
		assertThat(websocket.next("close")).isNotNull();
		assertThat(websocket.awaitClose()).isNotNull();
	}

	@Test
	void sessionsThatNeverConnectAreClosed() {
		int sessions = gateway.bean(SocketIoTransport.class).sessionCount();
		SocketIoClient silent = SocketIoClient.open(gateway.port());
		this.clients.add(silent);
		silent.next("open");
		assertThat(silent.next("close")).as("Engine.IO close after the connect timeout (4 s)").isNotNull();
		SocketIoClient early = SocketIoClient.open(gateway.port());
		this.clients.add(early);
		early.next("open");
		early.send("42[\"echo\",1]");
		assertThat(early.next("close")).as("a packet before CONNECT ends the session").isNotNull();
		await().until(() -> gateway.bean(SocketIoTransport.class).sessionCount() <= sessions);
	}

	@Test
	void connectionStateRecoveryReplaysWhatWasMissed() {
		String uid = uid();
		SocketIoClient first = connect(uid);
		String pid = (String) first.next("connect").get("pid");
		push.pushRecoverable(PushTarget.user(uid), "tick", 1).block();
		List<?> args = (List<?>) first.nextEvent("tick").get("args");
		String offset = (String) args.get(1);
		first.close();
		await().until(() -> gateway.bean(LocalHub.class).connectionsOf(uid).isEmpty());
		push.pushRecoverable(PushTarget.user(uid), "tick", 2).block();
		push.pushRecoverable(PushTarget.user(uid), "tick", 3).block();

		SocketIoClient second = SocketIoClient.connect(gateway.port(),
				"{\"token\":\"" + Tokens.forUser(uid) + "\",\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}");
		this.clients.add(second);
		assertThat(second.nextEvent("tick").get("args")).asList().first().isEqualTo(2);
		assertThat(second.nextEvent("tick").get("args")).asList().first().isEqualTo(3);
		assertThat(second.next("connect")).as("the same pid: recovered").containsEntry("pid", pid);

		SocketIoClient stale = SocketIoClient.connect(gateway.port(),
				"{\"token\":\"" + Tokens.forUser(uid()) + "\",\"pid\":\"" + pid + "\",\"offset\":\"1-0\"}");
		this.clients.add(stale);
		assertThat(stale.next("connect").get("pid")).as("the state was not kept: a new pid").isNotEqualTo(pid);
	}

	@Test
	void malformedEventsAreClosedWithFixedReasonsThatNameNoLibrary() {
		Map<String, String> reasons = Map.of("42[\"echo\"," + "[".repeat(2000) + "]".repeat(2000) + "]",
				"malformed frame: JSON nested too deeply or holding too long a value", "42[\"echo\",{\"a\":",
				"malformed frame: invalid JSON");
		reasons.forEach((packet, reason) -> {
			SocketIoClient client = connect(uid());
			client.next("connect");
			client.send(packet);
			Map<?, ?> close = (Map<?, ?>) ((List<?>) client.nextEvent("gateway:close").get("args")).get(0);
			assertThat(close.get("code")).isEqualTo(4000);
			assertThat(close.get("reason")).isEqualTo(reason);
			ErrorReasons.assertNamesNoInternals((String) close.get("reason"));
		});
	}

	@Test
	void aNewerConnectionReplacesTheOldOneWhichMustNotReconnect() {
		String uid = uid();
		SocketIoClient first = connect(uid);
		first.next("connect");
		SocketIoClient second = connect(uid);
		second.next("connect");
		assertThat(first.nextEvent("gateway:close").get("args").toString()).contains("4003");
		assertThat(first.next("disconnect")).isNotNull();
		assertThat(first.next("close")).isNotNull();
	}

	@Test
	void aClientThatStopsReadingIsClosedAsASlowConsumer() {
		String uid = uid();
		SocketIoClient client = connect(uid);
		client.next("connect");
		client.pauseReading();
		String kilobyte = "x".repeat(1024);
		for (int i = 0; i < 20_000 && !gateway.bean(LocalHub.class).connectionsOf(uid).isEmpty(); i++) {
			push.pushToUser(uid, "big", kilobyte).block();
		}
		assertThat(gateway.bean(LocalHub.class).connectionsOf(uid)).isEmpty();
		client.resumeReading();
		assertThat(client.nextEvent("gateway:close").get("args").toString()).contains("4002");
		TestClient.Close close = client.awaitClose();
		assertThat(close.code()).isIn(1000, -1);
	}

}
