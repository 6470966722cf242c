package io.pushgateway.e2e;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.grpc.GrpcServer;
import io.pushgateway.grpc.GrpcSubscriptions;
import io.pushgateway.grpc.v1.BanRequest;
import io.pushgateway.grpc.v1.ClientMessage;
import io.pushgateway.grpc.v1.DisconnectRequest;
import io.pushgateway.grpc.v1.GuidPresenceRequest;
import io.pushgateway.grpc.v1.ListConnectionsReply;
import io.pushgateway.grpc.v1.ListConnectionsRequest;
import io.pushgateway.grpc.v1.PayloadFormat;
import io.pushgateway.grpc.v1.PushGatewayGrpc;
import io.pushgateway.grpc.v1.PushReply;
import io.pushgateway.grpc.v1.PushRequest;
import io.pushgateway.grpc.v1.ReplyRequest;
import io.pushgateway.grpc.v1.RevokeRequest;
import io.pushgateway.grpc.v1.StatsRequest;
import io.pushgateway.grpc.v1.SubscribeRequest;
import io.pushgateway.grpc.v1.UserPresence;
import io.pushgateway.grpc.v1.UserPresenceRequest;
import io.pushgateway.grpc.v1.Users;
import io.pushgateway.id.NodeId;
import io.pushgateway.support.BlockHoundExtension;
import io.pushgateway.support.ErrorReasons;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestCluster;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The gRPC API with a real gRPC client over real ports, on three nodes sharing a real
 * {@code redis-server} and a real Kafka broker: pushes to every kind of target reach real
 * WebSocket clients on the other node, acknowledgements come back, presence is answered,
 * client messages stream to a subscriber and its replies reach the client wherever it is
 * connected; credentials and the push rules are the HTTP API's, mapped to gRPC status
 * codes; random requests never make the server fail.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class GrpcApiEndToEndTests {

	private static final String API_TOKEN = "grpc-test-api-token";

	private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {

		@Override
		public InputStream stream(byte[] value) {
			return new ByteArrayInputStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			try {
				return stream.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	};

	@RegisterExtension
	static final TestCluster cluster = TestCluster.withKafka(3,
			Map.of("push.gateway.http-api.enabled", true, "push.gateway.grpc.enabled", true, "push.gateway.grpc.port",
					0, "push.gateway.grpc.address", "127.0.0.1", "push.gateway.http-api.token", API_TOKEN,
					"push.gateway.limits.max-payload-size", "16KB"));

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	private ManagedChannel channel(int node) {
		ManagedChannel channel = ManagedChannelBuilder
			.forAddress("127.0.0.1", cluster.node(node).bean(GrpcServer.class).port())
			.usePlaintext()
			.build();
		this.resources.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
		return channel;
	}

	private PushGatewayGrpc.PushGatewayBlockingStub stub(int node, String token) {
		Metadata headers = new Metadata();
		if (token != null) {
			headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
		}
		return PushGatewayGrpc.newBlockingStub(channel(node))
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
			.withDeadlineAfter(30, TimeUnit.SECONDS);
	}

	private TestClient connect(int node, String uid) {
		TestClient client = TestClient.connect(cluster.node(node).port(), Tokens.forUser(uid));
		this.resources.add(client);
		client.next("welcome");
		return client;
	}

	private static String uid() {
		return "user-" + UUID.randomUUID();
	}

	@Test
	void pushesFromOneNodeReachClientsOnTheOther() {
		String alice = uid();
		String bob = uid();
		TestClient aliceClient = connect(1, alice);
		TestClient bobClient = connect(1, bob);
		PresenceOperations presence = cluster.node(0).bean(PresenceOperations.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> presence.isOnline(bob).block());

		PushReply toUser = stub(0, API_TOKEN).push(PushRequest.newBuilder()
			.setUser(alice)
			.setEvent("order.shipped")
			.setPayload(ByteString.copyFromUtf8("{\"order\":7}"))
			.build());
		assertThat(aliceClient.next("push")).containsEntry("id", toUser.getMessageId())
			.containsEntry("ev", "order.shipped")
			.containsEntry("d", Map.of("order", 7));
		stub(0, API_TOKEN).push(PushRequest.newBuilder()
			.setUsers(Users.newBuilder().addUids(alice).addUids(bob))
			.setEvent("note")
			.setPayload(ByteString.copyFromUtf8("hello"))
			.setFormat(PayloadFormat.TEXT)
			.build());
		assertThat(aliceClient.next("push")).containsEntry("ev", "note").containsEntry("d", "hello");
		assertThat(bobClient.next("push")).containsEntry("ev", "note");
		String socketId = stub(0, API_TOKEN).getUserPresence(UserPresenceRequest.newBuilder().setUid(bob).build())
			.getSockets(0)
			.getSocketId();
		stub(0, API_TOKEN).push(PushRequest.newBuilder()
			.setSocketId(socketId)
			.setEvent("direct")
			.setPayload(ByteString.copyFrom(new byte[] { 1, 2, 3 }))
			.setFormat(PayloadFormat.BINARY)
			.build());
		assertThat(bobClient.next("push")).containsEntry("ev", "direct").containsEntry("b", "AQID");
	}

	@Test
	void aDisconnectClosesTheTargetsConnectionsOnTheOtherNodes() {
		String guid = "room-" + UUID.randomUUID();
		TestClient member = TestClient.connect(cluster.node(1).port(),
				"?access_token=" + Tokens.sign(uid(), List.of(guid), Duration.ofMinutes(5), Tokens.SECRET),
				"push.v1.json", Map.of());
		this.resources.add(member);
		member.next("welcome");
		String otherUid = uid();
		TestClient other = connect(2, otherUid);
		PresenceOperations presence = cluster.node(0).bean(PresenceOperations.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> presence.isOnline(otherUid).block());

		stub(0, API_TOKEN)
			.disconnect(DisconnectRequest.newBuilder().setGuid(guid).setCode(4750).setReason("room closed").build());
		assertThat(member.awaitClose()).isEqualTo(new TestClient.Close(4750, "room closed"));
		assertThat(status(() -> stub(0, API_TOKEN)
			.disconnect(DisconnectRequest.newBuilder().setGuid(guid).setCode(1000).build())))
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status(() -> stub(0, API_TOKEN)
			.disconnect(DisconnectRequest.newBuilder().setGuid(guid).setReason("x".repeat(124)).build())))
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status(() -> stub(0, API_TOKEN).disconnect(DisconnectRequest.getDefaultInstance())))
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status(() -> stub(0, "wrong").disconnect(DisconnectRequest.newBuilder().setAll(true).build())))
			.isEqualTo(Status.Code.UNAUTHENTICATED);
		// code 0 is 4005, and an empty reason the default one
		String socketId = stub(0, API_TOKEN).getUserPresence(UserPresenceRequest.newBuilder().setUid(otherUid).build())
			.getSockets(0)
			.getSocketId();
		stub(0, API_TOKEN).disconnect(DisconnectRequest.newBuilder().setSocketId(socketId).build());
		assertThat(other.awaitClose()).isEqualTo(new TestClient.Close(4005, "disconnected by the server"));
	}

	@Test
	void banAndRevokeCloseAndRefuseOnTheOtherNodesUntilLifted() {
		String uid = uid();
		TestClient banned = connect(1, uid);
		String tokenUid = uid();
		String token = Tokens.withId(tokenUid, "jti-" + tokenUid, Instant.now().minusSeconds(10));
		TestClient revoked = TestClient.connect(cluster.node(2).port(), token);
		this.resources.add(revoked);
		revoked.next("welcome");

		stub(0, API_TOKEN).ban(BanRequest.newBuilder().setUid(uid).build());
		assertThat(banned.awaitClose()).isEqualTo(new TestClient.Close(4006, "banned"));
		assertThat(TestClient.rejectedStatus(cluster.node(2).port(), "?access_token=" + Tokens.forUser(uid),
				"push.v1.json", Map.of()))
			.isEqualTo(403);
		stub(0, API_TOKEN).ban(BanRequest.newBuilder().setUid(uid).setLift(true).build());
		connect(2, uid);

		stub(0, API_TOKEN).revoke(RevokeRequest.newBuilder()
			.setUid(tokenUid)
			.setTokenId("jti-" + tokenUid)
			.setUntilEpochMillis(Instant.now().plusSeconds(600).toEpochMilli())
			.build());
		assertThat(revoked.awaitClose()).isEqualTo(new TestClient.Close(4006, "token revoked"));
		assertThat(
				TestClient.rejectedStatus(cluster.node(1).port(), "?access_token=" + token, "push.v1.json", Map.of()))
			.isEqualTo(401);
		stub(0, API_TOKEN)
			.revoke(RevokeRequest.newBuilder().setUid(tokenUid).setTokenId("jti-" + tokenUid).setLift(true).build());
		TestClient back = TestClient.connect(cluster.node(1).port(), token);
		this.resources.add(back);
		back.next("welcome");

		assertThat(status(() -> stub(0, API_TOKEN).ban(BanRequest.getDefaultInstance())))
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(
				status(() -> stub(0, API_TOKEN).revoke(RevokeRequest.newBuilder().setUid(uid).setTokenId("t").build())))
			.as("a token revocation without until")
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status(() -> stub(0, "wrong").ban(BanRequest.newBuilder().setUid(uid).build())))
			.isEqualTo(Status.Code.UNAUTHENTICATED);
	}

	@Test
	void anAcknowledgedPushAnswersWithTheSocketsThatAcknowledged() {
		String uid = uid();
		TestClient client = connect(1, uid);
		PresenceOperations presence = cluster.node(0).bean(PresenceOperations.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> presence.isOnline(uid).block());
		var reply = PushGatewayGrpc.newFutureStub(channel(0))
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(API_TOKEN)))
			.push(PushRequest.newBuilder()
				.setUser(uid)
				.setEvent("ask")
				.setPayload(ByteString.copyFromUtf8("1"))
				.setAckTimeoutMs(2000)
				.build());
		Map<String, Object> frame = client.next("push");
		assertThat(frame).containsEntry("a", 1);
		client.send("{\"t\":\"ack\",\"id\":\"" + frame.get("id") + "\"}");
		UserPresence sockets = stub(0, API_TOKEN).getUserPresence(UserPresenceRequest.newBuilder().setUid(uid).build());
		assertThat(await().atMost(Duration.ofSeconds(10)).until(reply::get, (value) -> true).getAcknowledgedList())
			.containsExactly(sockets.getSockets(0).getSocketId());
	}

	@Test
	void presenceIsAnsweredClusterWide() {
		String uid = uid();
		String guid = "doc-" + UUID.randomUUID();
		TestClient.connect(cluster.node(1).port(),
				Tokens.sign(uid, List.of(guid), Duration.ofMinutes(5), Tokens.SECRET));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> stub(0, API_TOKEN).getUserPresence(UserPresenceRequest.newBuilder().setUid(uid).build())
				.getOnline());
		UserPresence presence = stub(0, API_TOKEN)
			.getUserPresence(UserPresenceRequest.newBuilder().setUid(uid).build());
		assertThat(presence.getSocketsList()).singleElement()
			.satisfies((socket) -> assertThat(socket.getNode()).isNotEmpty());
		assertThat(stub(0, API_TOKEN).getGuidPresence(GuidPresenceRequest.newBuilder().setGuid(guid).build())
			.getConnections()).isEqualTo(1);
		assertThat(stub(2, API_TOKEN).getStats(StatsRequest.getDefaultInstance()).getNodes()).isEqualTo(3);
		assertThat(
				stub(0, API_TOKEN).getUserPresence(UserPresenceRequest.newBuilder().setUid(uid()).build()).getOnline())
			.isFalse();
	}

	@Test
	void connectionsAreListedFromEveryNodePageByPage() {
		String uid = uid();
		String guid = "doc-" + UUID.randomUUID();
		String token = Tokens.sign(uid, List.of(guid), Duration.ofMinutes(5), Tokens.SECRET);
		TestClient onSecond = TestClient.connect(cluster.node(1).port(), token);
		TestClient onThird = TestClient.connect(cluster.node(2).port(), token);
		this.resources.add(onSecond);
		this.resources.add(onThird);
		String first = (String) onSecond.next("welcome").get("sid");
		String second = (String) onThird.next("welcome").get("sid");
		ListConnectionsRequest byUser = ListConnectionsRequest.newBuilder().setUid(uid).setLimit(1).build();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> !stub(0, API_TOKEN).listConnections(byUser).getNext().isEmpty());

		ListConnectionsReply page = stub(0, API_TOKEN).listConnections(byUser);
		assertThat(page.getConnectionsList()).singleElement().satisfies((connection) -> {
			assertThat(connection.getSocketId()).isEqualTo(first);
			assertThat(connection.getNode()).isEqualTo(cluster.node(1).bean(NodeId.class).value());
			assertThat(connection.getTransport()).isEqualTo("websocket");
			assertThat(connection.getGuidsList()).containsExactly(guid);
			assertThat(connection.getClientAddress()).isEmpty();
		});
		ListConnectionsReply last = stub(0, API_TOKEN)
			.listConnections(byUser.toBuilder().setCursor(page.getNext()).build());
		assertThat(last.getConnectionsList()).singleElement().satisfies((connection) -> {
			assertThat(connection.getSocketId()).isEqualTo(second);
			assertThat(connection.getNode()).isEqualTo(cluster.node(2).bean(NodeId.class).value());
		});
		assertThat(last.getNext()).isEmpty();
		assertThat(stub(2, API_TOKEN).listConnections(ListConnectionsRequest.newBuilder().setGuid(guid).build())
			.getConnectionsCount()).isEqualTo(2);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub(0, API_TOKEN).listConnections(ListConnectionsRequest.newBuilder().build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub(0, API_TOKEN).listConnections(byUser.toBuilder().setCursor("x").build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
	}

	@Test
	void clientMessagesStreamToASubscriberWhoseRepliesReachTheClient() {
		String uid = uid();
		TestClient client = connect(0, uid);
		Iterator<ClientMessage> stream = stub(0, API_TOKEN)
			.subscribe(SubscribeRequest.newBuilder().addEvents("order.*").build());
		// the subscription is open once the node knows it
		await().atMost(Duration.ofSeconds(5)).until(() -> cluster.node(0).bean(GrpcSubscriptions.class).size() == 1);

		client.send("{\"t\":\"msg\",\"id\":\"m-1\",\"ev\":\"order.create\",\"d\":{\"sku\":\"A1\"}}");
		ClientMessage message = stream.next();
		assertThat(message.getMessageId()).isEqualTo("m-1");
		assertThat(message.getUid()).isEqualTo(uid);
		assertThat(message.getEvent()).isEqualTo("order.create");
		assertThat(message.getPayload().toString(StandardCharsets.UTF_8)).isEqualTo("{\"sku\":\"A1\"}");
		assertThat(message.getFormat()).isEqualTo(PayloadFormat.JSON);

		// answered through another node
		stub(2, API_TOKEN).reply(ReplyRequest.newBuilder()
			.setSocketId(message.getSocketId())
			.setMessageId(message.getMessageId())
			.setPayload(ByteString.copyFromUtf8("{\"ok\":true}"))
			.build());
		assertThat(client.next("reply")).containsEntry("id", "m-1").containsEntry("d", Map.of("ok", true));

		// an event no subscription asks for has no handler, as without gRPC
		client.send("{\"t\":\"msg\",\"id\":\"m-2\",\"ev\":\"chat.say\",\"d\":1}");
		assertThat(client.next("error")).containsEntry("id", "m-2").containsEntry("code", 4404);
	}

	@Test
	void applicationHandlersComeBeforeASubscriptionToEveryEvent() throws Exception {
		String uid = uid();
		TestClient client = connect(0, uid);
		GrpcSubscriptions subscriptions = cluster.node(0).bean(GrpcSubscriptions.class);
		int before = subscriptions.size();
		try (Context.CancellableContext call = Context.current().withCancellation()) {
			Iterator<ClientMessage> stream = call
				.call(() -> stub(0, API_TOKEN).subscribe(SubscribeRequest.newBuilder().build()));
			await().atMost(Duration.ofSeconds(5)).until(() -> subscriptions.size() == before + 1);
			// the test application's echo handler answers its event, as docs/grpc.md says
			client.send("{\"t\":\"msg\",\"id\":\"e-1\",\"ev\":\"echo\",\"d\":{\"n\":1}}");
			assertThat(client.next("reply")).containsEntry("id", "e-1").containsEntry("d", Map.of("n", 1));
			// an event no application handler takes goes to the subscription
			client.send("{\"t\":\"msg\",\"id\":\"e-2\",\"ev\":\"chat.say\",\"d\":2}");
			ClientMessage message = stream.next();
			assertThat(message.getMessageId()).isEqualTo("e-2");
			assertThat(message.getEvent()).isEqualTo("chat.say");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> subscriptions.size() == before);
	}

	@Test
	void aPushWithAnIdempotencyKeyIssuedThroughEveryNodeAtOnceIsDeliveredOnce() throws Exception {
		String uid = uid();
		TestClient client = connect(2, uid);
		PresenceOperations presence = cluster.node(0).bean(PresenceOperations.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> presence.isOnline(uid).block());
		String grpcKey = "grpc-" + UUID.randomUUID();
		String httpKey = "http-" + UUID.randomUUID();
		ExecutorService pool = Executors.newFixedThreadPool(12);
		try {
			List<Future<String>> ids = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				int node = i % 3;
				// a caller that timed out and retried, through whichever node
				ids.add(pool.submit(
						() -> stub(node, API_TOKEN)
							.push(PushRequest.newBuilder()
								.setUser(uid)
								.setEvent("once-grpc")
								.setPayload(ByteString.copyFromUtf8("1"))
								.setIdempotencyKey(grpcKey)
								.build())
							.getMessageId()));
			}
			List<Future<HttpResponse<String>>> http = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				int node = i % 3;
				http.add(pool.submit(() -> HttpClient.newHttpClient()
					.send(HttpRequest
						.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(node).port() + "/push-api/users/"
								+ uid + "?event=once-http"))
						.header("Authorization", "Bearer " + API_TOKEN)
						.header("Content-Type", "application/json")
						.header("Idempotency-Key", httpKey)
						.POST(HttpRequest.BodyPublishers.ofString("2"))
						.build(), HttpResponse.BodyHandlers.ofString())));
			}
			Set<String> grpcIds = new HashSet<>();
			for (Future<String> id : ids) {
				grpcIds.add(id.get(30, TimeUnit.SECONDS));
			}
			Set<String> httpIds = new HashSet<>();
			for (Future<HttpResponse<String>> response : http) {
				HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
				assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
				httpIds.add(new JsonMapper().readTree(answer.body()).get("messageId").asString());
			}
			assertThat(grpcIds).as("message IDs answered to the gRPC retries").hasSize(1);
			assertThat(httpIds).as("message IDs answered to the HTTP retries").hasSize(1);
			// a push without a key after them: every retry was published before it, so
			// a repeated delivery would arrive before it too
			stub(0, API_TOKEN).push(PushRequest.newBuilder()
				.setUser(uid)
				.setEvent("after")
				.setPayload(ByteString.copyFromUtf8("3"))
				.build());
			Map<String, String> received = new HashMap<>();
			List<String> events = new ArrayList<>();
			while (!events.contains("after")) {
				Map<String, Object> push = client.next("push");
				events.add((String) push.get("ev"));
				received.put((String) push.get("ev"), (String) push.get("id"));
			}
			assertThat(events).containsExactlyInAnyOrder("once-grpc", "once-http", "after");
			assertThat(received).containsEntry("once-grpc", grpcIds.iterator().next())
				.containsEntry("once-http", httpIds.iterator().next());
			// an invalid key is refused
			assertThat(status(() -> stub(0, API_TOKEN).push(PushRequest.newBuilder()
				.setUser(uid)
				.setEvent("x")
				.setPayload(ByteString.copyFromUtf8("1"))
				.setIdempotencyKey("has space")
				.build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void credentialsAndPushRulesAreTheHttpApisAsStatusCodes() {
		PushRequest valid = PushRequest.newBuilder()
			.setUser("nobody")
			.setEvent("e")
			.setPayload(ByteString.copyFromUtf8("1"))
			.build();
		assertThat(status(() -> stub(0, null).push(valid))).isEqualTo(Status.Code.UNAUTHENTICATED);
		assertThat(status(() -> stub(0, "wrong").push(valid))).isEqualTo(Status.Code.UNAUTHENTICATED);
		assertThat(status(() -> stub(0, API_TOKEN).push(valid.toBuilder().setEvent("").build())))
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
		// recovery beside acks or a fallback is refused, as by the HTTP API, not silently
		// dropped
		assertThat(status(
				() -> stub(0, API_TOKEN).push(valid.toBuilder().setRecoverable(true).setAckTimeoutMs(1000).build())))
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(
				status(() -> stub(0, API_TOKEN).push(valid.toBuilder().setRecoverable(true).setFallback(true).build())))
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status(() -> stub(0, API_TOKEN)
			.push(valid.toBuilder().setPayload(ByteString.copyFromUtf8("{\"a\":")).build())))
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status(() -> stub(0, API_TOKEN).push(valid.toBuilder()
			.setPayload(ByteString.copyFrom(new byte[17 * 1024]))
			.setFormat(PayloadFormat.BINARY)
			.build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status(() -> stub(0, API_TOKEN).push(valid.toBuilder().clearUser().build())))
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status(() -> stub(0, API_TOKEN).push(valid.toBuilder().setAckTimeoutMs(600_000).build())))
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status(() -> stub(0, API_TOKEN).push(valid.toBuilder().setSocketId("not-a-number").build())))
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(stub(0, API_TOKEN).push(valid).getMessageId()).isNotEmpty();
	}

	@Test
	void jsonAndTextPayloadsThatAreNotUtf8AreInvalidArguments() {
		String uid = uid();
		TestClient client = connect(1, uid);
		PresenceOperations presence = cluster.node(0).bean(PresenceOperations.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> presence.isOnline(uid).block());
		String socketId = stub(0, API_TOKEN).getUserPresence(UserPresenceRequest.newBuilder().setUid(uid).build())
			.getSockets(0)
			.getSocketId();
		// an encoded surrogate, an overlong '/', a code point above U+10FFFF
		byte[][] notUtf8 = { { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, { (byte) 0xC0, (byte) 0xAF },
				{ (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 } };
		for (byte[] invalid : notUtf8) {
			ByteString json = ByteString.copyFromUtf8("\"")
				.concat(ByteString.copyFrom(invalid))
				.concat(ByteString.copyFromUtf8("\""));
			Map<PayloadFormat, ByteString> payloads = Map.of(PayloadFormat.JSON, json, PayloadFormat.TEXT,
					ByteString.copyFrom(invalid));
			payloads.forEach((format, payload) -> {
				StatusRuntimeException push = assertThatExceptionOfType(StatusRuntimeException.class)
					.isThrownBy(() -> stub(0, API_TOKEN).push(PushRequest.newBuilder()
						.setUser(uid)
						.setEvent("refused")
						.setPayload(payload)
						.setFormat(format)
						.build()))
					.actual();
				assertThat(push.getStatus().getCode()).as(format.name()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(push.getStatus().getDescription()).isEqualTo("payload is not well-formed UTF-8");
				StatusRuntimeException reply = assertThatExceptionOfType(StatusRuntimeException.class)
					.isThrownBy(() -> stub(0, API_TOKEN).reply(ReplyRequest.newBuilder()
						.setSocketId(socketId)
						.setMessageId("m-1")
						.setPayload(payload)
						.setFormat(format)
						.build()))
					.actual();
				assertThat(reply.getStatus().getCode()).as(format.name()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			});
		}
		// nothing went out: the next frame the client sees is this push
		stub(0, API_TOKEN).push(PushRequest.newBuilder()
			.setUser(uid)
			.setEvent("after")
			.setPayload(ByteString.copyFromUtf8("\"caf\u00e9\""))
			.build());
		assertThat(client.next()).containsEntry("t", "push")
			.containsEntry("ev", "after")
			.containsEntry("d", "caf\u00e9");
	}

	@Test
	void malformedJsonPayloadsAreRefusedWithFixedDescriptions() {
		Map<String, String> reasons = Map.of("[".repeat(2000) + "]".repeat(2000),
				"payload is JSON nested too deeply or holding too long a value", "{\"a\":",
				"payload is not valid JSON");
		reasons.forEach((payload, reason) -> {
			StatusRuntimeException refused = assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> stub(0, API_TOKEN).push(PushRequest.newBuilder()
					.setAll(true)
					.setEvent("x")
					.setPayload(ByteString.copyFromUtf8(payload))
					.build()))
				.actual();
			assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(refused.getStatus().getDescription()).isEqualTo(reason);
			ErrorReasons.assertNamesNoInternals(refused.getStatus().getDescription());
		});
	}

	@Test
	void ackTimeoutsBeyondTheSignedIntRangeAreInvalidArguments() {
		String uid = uid();
		TestClient client = connect(1, uid);
		PresenceOperations presence = cluster.node(0).bean(PresenceOperations.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> presence.isOnline(uid).block());
		PushRequest valid = PushRequest.newBuilder()
			.setUser(uid)
			.setEvent("refused")
			.setPayload(ByteString.copyFromUtf8("1"))
			.build();
		// uint32 on the wire: 2^31, 3,000,000,000 and 2^32 - 1 milliseconds, all far
		// above
		// the maximum ack timeout, which a Java int reads as negative numbers
		for (int timeout : new int[] { Integer.MIN_VALUE, (int) 3_000_000_000L, -1 }) {
			StatusRuntimeException refused = assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> stub(0, API_TOKEN).push(valid.toBuilder().setAckTimeoutMs(timeout).build()))
				.actual();
			assertThat(refused.getStatus().getCode()).as(Integer.toUnsignedString(timeout))
				.isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(refused.getStatus().getDescription()).contains("ack timeout");
		}
		// none of them went out: the next push the client sees is this one
		stub(0, API_TOKEN).push(valid.toBuilder().setEvent("after").build());
		assertThat(client.next("push")).containsEntry("ev", "after");
	}

	@Test
	void requestsThatAreNotProtobufAreInvalidArgumentsAndLogNoErrors() {
		List<String> logged = new ArrayList<>();
		Handler jul = new Handler() {

			@Override
			public void publish(LogRecord record) {
				// WARNING and SEVERE
				if (record.getLevel().intValue() >= 900) {
					logged.add(record.getLoggerName() + ": " + record.getMessage());
				}
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}

		};
		LogManager.getLogManager().getLogger("").addHandler(jul);
		Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
		ListAppender<ILoggingEvent> log = new ListAppender<>();
		log.start();
		root.addAppender(log);
		try {
			Channel authenticated = ClientInterceptors.intercept(channel(0),
					MetadataUtils.newAttachHeadersInterceptor(bearer(API_TOKEN)));
			List<String> methods = List.of("Push", "Reply", "GetUserPresence", "Subscribe", "ListConnections");
			Map<byte[], List<String>> garbage = Map.of(new byte[] { 0x0F }, methods, new byte[] { 0x3A, 0x10, 'x' },
					methods, new byte[] { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 }, methods,
					// a proto3 string (PushRequest's event) holding an encoded surrogate
					new byte[] { 0x32, 0x03, (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, List.of("Push"));
			garbage.forEach((request, refusing) -> {
				for (String method : refusing) {
					StatusRuntimeException refused = assertThatExceptionOfType(StatusRuntimeException.class)
						.isThrownBy(() -> rawCall(authenticated, method, request))
						.actual();
					assertThat(refused.getStatus().getCode()).as(method).isEqualTo(Status.Code.INVALID_ARGUMENT);
					assertThat(refused.getStatus().getDescription()).as(method)
						.isEqualTo("request is not a valid protobuf message");
				}
				// without the token the credential is what counts
				assertThat(status(() -> rawCall(channel(0), "Push", request))).isEqualTo(Status.Code.UNAUTHENTICATED);
			});
			assertThat(stub(0, API_TOKEN).getStats(StatsRequest.getDefaultInstance()).getNodes()).isEqualTo(3);
		}
		finally {
			root.detachAppender(log);
			LogManager.getLogManager().getLogger("").removeHandler(jul);
		}
		assertThat(log.list.stream()
			.filter((event) -> event.getLevel().isGreaterOrEqual(Level.WARN))
			.map(ILoggingEvent::getFormattedMessage)).as("warnings and errors logged").isEmpty();
		assertThat(logged).as("warnings and errors logged by gRPC").isEmpty();
	}

	/* Calls a method of the service with bytes of our own as the request. */
	private static void rawCall(Channel channel, String method, byte[] request) {
		boolean streaming = method.equals("Subscribe");
		MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
			.setType(streaming ? MethodDescriptor.MethodType.SERVER_STREAMING : MethodDescriptor.MethodType.UNARY)
			.setFullMethodName(MethodDescriptor.generateFullMethodName("pushgateway.v1.PushGateway", method))
			.setRequestMarshaller(BYTES)
			.setResponseMarshaller(BYTES)
			.build();
		CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
		if (streaming) {
			ClientCalls.blockingServerStreamingCall(channel, descriptor, options, request).hasNext();
		}
		else {
			ClientCalls.blockingUnaryCall(channel, descriptor, options, request);
		}
	}

	@Test
	void randomRequestsAreAnsweredWithoutServerErrors() {
		Random random = new Random(15);
		PushGatewayGrpc.PushGatewayBlockingStub stub = stub(0, API_TOKEN);
		for (int i = 0; i < 1000; i++) {
			byte[] payload = new byte[random.nextInt(64)];
			random.nextBytes(payload);
			byte[] event = new byte[random.nextInt(3) * random.nextInt(100)];
			random.nextBytes(event);
			PushRequest.Builder request = PushRequest.newBuilder()
				.setEvent(new String(event, StandardCharsets.ISO_8859_1))
				.setPayload(ByteString.copyFrom(payload))
				.setFormatValue(random.nextInt(4));
			switch (random.nextInt(5)) {
				case 0 -> request.setUser(new String(payload, StandardCharsets.ISO_8859_1));
				case 1 -> request.setGuid("g" + random.nextInt(10));
				case 2 -> request.setSocketId(Long.toString(random.nextLong()));
				case 3 -> request.setAll(random.nextBoolean());
				default -> {
				}
			}
			try {
				stub.push(request.build());
			}
			catch (StatusRuntimeException ex) {
				assertThat(ex.getStatus().getCode()).as(ex.getStatus().toString()).isIn(Status.Code.INVALID_ARGUMENT);
			}
		}
		assertThat(stub.getStats(StatsRequest.getDefaultInstance()).getNodes()).isEqualTo(3);
	}

	private static Metadata bearer(String token) {
		Metadata headers = new Metadata();
		headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
		return headers;
	}

	private static Status.Code status(Runnable call) {
		return assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(call::run)
			.actual()
			.getStatus()
			.getCode();
	}

}
