package io.pushgateway.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgateway.actuate.PushGatewayHealthIndicator;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.grpc.GrpcServer;
import io.pushgateway.grpc.v1.PushGatewayGrpc;
import io.pushgateway.grpc.v1.PushReply;
import io.pushgateway.grpc.v1.PushRequest;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.support.KafkaBrokerProcess;
import io.pushgateway.support.RedisServer;
import io.pushgateway.support.ResumingClient;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestCluster;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.TestNodeMain;
import io.pushgateway.support.Tokens;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults on real processes under load: a node killed with SIGKILL, Redis killed and
 * restarted, the Kafka broker killed and restarted, a client that stops reading beside
 * healthy ones. Every scenario prints one JSON line with what was sent, received, refused
 * and lost; lost is zero where the docs promise it. A third of the clients of each fault
 * connect over WebSocket, a third over Server-Sent Events (resuming with
 * {@code Last-Event-ID}), a third as Socket.IO clients (resuming with their pid and
 * offset); every other push goes through the gRPC API.
 *
 * <p>
 * The default test command runs each fault for a few seconds of load
 * ({@code push.gateway.faults.seconds}, 6); {@code scripts/faults.sh} runs the same suite
 * for a minute each.
 *
 * @author Push Gateway team
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTests {

	private static final String[] TRANSPORTS = { "websocket", "sse", "socketio" };

	private static final AtomicInteger PAYLOADS = new AtomicInteger();

	private static final int SECONDS = Integer.getInteger("push.gateway.faults.seconds", 6);

	private static final int RATE = 40;

	private static final String API_TOKEN = "fault-suite-api-token";

	// every other push of the load goes through the gRPC API, so the faults hit it too
	@RegisterExtension
	static final TestCluster cluster = TestCluster.withKafkaProcess(2, Map.ofEntries(
			Map.entry("push.gateway.registry.node-timeout", "2s"),
			Map.entry("push.gateway.registry.node-heartbeat-interval", "250ms"),
			Map.entry("push.gateway.registry.command-timeout", "1s"),
			Map.entry("push.gateway.node.worker-id-strategy", "redis-lease"),
			Map.entry("push.gateway.bus.kafka.publish-timeout", "1s"), Map.entry("push.gateway.recovery.enabled", true),
			Map.entry("push.gateway.recovery.max-length", 10_000), Map.entry("push.gateway.grpc.enabled", true),
			Map.entry("push.gateway.grpc.port", 0), Map.entry("push.gateway.grpc.address", "127.0.0.1"),
			Map.entry("push.gateway.http-api.token", API_TOKEN), Map.entry("push.gateway.socketio.enabled", true)));

	private static ManagedChannel grpcChannel;

	private static PushGatewayGrpc.PushGatewayFutureStub grpc;

	private static List<TestGateway> nodes;

	private static RedisServer redis;

	private static KafkaBrokerProcess kafka;

	@BeforeAll
	static void findCluster() {
		nodes = cluster.nodes();
		redis = cluster.redis();
		kafka = cluster.kafkaBroker();
		grpcChannel = ManagedChannelBuilder.forAddress("127.0.0.1", nodes.get(0).bean(GrpcServer.class).port())
			.usePlaintext()
			.build();
		Metadata headers = new Metadata();
		headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + API_TOKEN);
		grpc = PushGatewayGrpc.newFutureStub(grpcChannel)
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
	}

	@AfterAll
	static void closeChannel() throws InterruptedException {
		grpcChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	/* One push of the load, through PushOperations or, every other one, the gRPC API. */
	private static CompletableFuture<String> loadPush(int n, String uid, boolean recoverable) {
		if (n % 2 == 0) {
			PushTarget target = PushTarget.user(uid);
			return (recoverable ? push(0).pushRecoverable(target, "load", n) : push(0).push(target, "load", n))
				.map(PushResult::messageId)
				.toFuture();
		}
		return grpcPush(grpc, uid, n, recoverable);
	}

	static Map<String, Object> nodeProperties() {
		return cluster.nodeProperties(nodes.size());
	}

	private static PushOperations push(int node) {
		return nodes.get(node).bean(PushOperations.class);
	}

	@Test
	@Order(1)
	void slowConsumerBesideHealthyOnes() {
		List<TestClient> healthy = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			TestClient client = TestClient.connect(nodes.get(0).port(), Tokens.forUser("healthy-" + i));
			client.next("welcome");
			healthy.add(client);
		}
		TestClient slow = TestClient.connect(nodes.get(0).port(), Tokens.forUser("slow"));
		slow.next("welcome");
		slow.pauseReading();
		Set<String> sent = new HashSet<>();
		byte[] payload = new byte[32 * 1024];
		int pushes = SECONDS * RATE;
		for (int i = 0; i < pushes; i++) {
			sent.add(push(0).broadcast("bulk", payload).block().messageId());
		}
		Map<String, Object> report = new LinkedHashMap<>();
		int lost = 0;
		int duplicates = 0;
		for (TestClient client : healthy) {
			Set<String> received = new HashSet<>();
			while (received.size() < sent.size()) {
				Map<String, Object> frame = client.next("push");
				if (sent.contains(frame.get("id")) && !received.add((String) frame.get("id"))) {
					duplicates++;
				}
			}
			lost += sent.size() - received.size();
			// anything still queued for this client after the last push is a duplicate
			duplicates += (int) client.drain().stream().filter((frame) -> "push".equals(frame.get("t"))).count();
			client.close();
		}
		double slowClosesBefore = slowConsumerCloses();
		slow.resumeReading();
		TestClient.Close close = slow.awaitClose();
		report.put("fault", "slow consumer");
		report.put("sent", sent.size() * healthy.size());
		report.put("lost", lost);
		report.put("duplicates", duplicates);
		report.put("slowClientClosedWith", close.code());
		print(report);
		assertThat(lost).isZero();
		assertThat(duplicates).isZero();
		// the server closed it as a slow consumer; the client reads the 4002 when it
		// resumes reading within websocket.close-timeout, and finds the connection cut
		// (1006, or an error: -1 here) when it stayed silent longer
		assertThat(slowClosesBefore).isPositive();
		assertThat(close.code()).isIn(4002, 1006, -1);
		assertThat(nodes.get(0).bean(LocalHub.class).connectionsOf("slow")).isEmpty();
	}

	@Test
	@Order(2)
	void nodeKilledUnderLoadLosesNoRecoverablePush() throws Exception {
		Process victim = TestNodeMain.start(nodeProperties());
		List<ResumingClient> clients = new ArrayList<>();
		try {
			int victimPort = TestNodeMain.awaitReady(victim);
			for (int i = 0; i < 20; i++) {
				clients.add(new ResumingClient("killed-" + UUID.randomUUID(),
						List.of(victimPort, nodes.get(1).port(), nodes.get(0).port()), TRANSPORTS[i % 3]));
			}
			for (ResumingClient client : clients) {
				client.awaitConnected();
			}
			Map<String, Set<String>> sent = new ConcurrentHashMap<>();
			AtomicInteger refused = new AtomicInteger();
			run(clients, sent, refused, SECONDS, true, victim::destroyForcibly, () -> {
			});
			Map<String, Object> report = settle("node killed (SIGKILL)", clients, sent, refused);
			assertThat(report.get("refused")).isEqualTo(0);
			assertThat((Integer) report.get("sent")).isEqualTo(SECONDS * RATE);
			assertThat(report.get("lost")).isEqualTo(0);
			assertThat(report.get("duplicates")).isEqualTo(0);
			assertThat(report.get("reordered")).isEqualTo(0);
			assertThat(report.get("gaps")).isEqualTo(0);
			assertThat((Integer) report.get("reconnects")).isGreaterThanOrEqualTo(clients.size());
			// no ghosts: every socket the dead node held disappears from the registry,
			// and
			// each user has exactly the one socket it reconnected on a survivor
			Set<String> survivors = new HashSet<>();
			for (TestGateway node : nodes) {
				survivors.add((String) node.bean(PushGatewayHealthIndicator.class).health().getDetails().get("node"));
			}
			PresenceOperations presence = nodes.get(0).bean(PresenceOperations.class);
			await().atMost(Duration.ofSeconds(15)).until(() -> clients.stream().allMatch((client) -> {
				List<SocketPresence> sockets = presence.socketsOf(client.uid()).block();
				return sockets.size() == 1 && survivors.contains(sockets.get(0).node());
			}));
		}
		finally {
			clients.forEach(ResumingClient::close);
			victim.destroyForcibly();
		}
	}

	@Test
	@Order(3)
	void redisKilledAndRestartedLosesNoPushToConnectedClients() throws Exception {
		List<ResumingClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 20; i++) {
				clients.add(new ResumingClient("redis-" + UUID.randomUUID(),
						List.of(nodes.get(i % 2).port(), nodes.get((i + 1) % 2).port()), TRANSPORTS[(i / 2) % 3]));
			}
			for (ResumingClient client : clients) {
				client.awaitConnected();
			}
			Map<String, Set<String>> sent = new ConcurrentHashMap<>();
			AtomicInteger refused = new AtomicInteger();
			// plain pushes: recoverable ones are kept in Redis, which is down for a while
			run(clients, sent, refused, SECONDS, false, redis::kill, redis::startAgain);
			Map<String, Object> report = settle("redis killed and restarted", clients, sent, refused);
			assertThat(report.get("refused")).isEqualTo(0);
			assertThat((Integer) report.get("sent")).isEqualTo(SECONDS * RATE);
			assertThat(report.get("lost")).isEqualTo(0);
			assertThat(report.get("duplicates")).isEqualTo(0);
			PresenceOperations presence = nodes.get(1).bean(PresenceOperations.class);
			await().atMost(Duration.ofSeconds(15))
				.ignoreExceptions()
				.until(() -> clients.stream().allMatch((client) -> presence.isOnline(client.uid()).block()));
		}
		finally {
			clients.forEach(ResumingClient::close);
		}
	}

	@Test
	@Order(4)
	void kafkaKilledAndRestartedDeliversEveryAcceptedPush() throws Exception {
		List<ResumingClient> clients = new ArrayList<>();
		try {
			// clients on the second node, pushes issued on the first: every push crosses
			// Kafka
			for (int i = 0; i < 20; i++) {
				clients.add(new ResumingClient("kafka-" + UUID.randomUUID(), List.of(nodes.get(1).port()),
						TRANSPORTS[i % 3]));
			}
			for (ResumingClient client : clients) {
				client.awaitConnected();
			}
			Map<String, Set<String>> sent = new ConcurrentHashMap<>();
			AtomicInteger refused = new AtomicInteger();
			run(clients, sent, refused, SECONDS, false, kafka::kill, kafka::startAgain);
			// the bus carries pushes again after the restart
			int before = sent.values().stream().mapToInt(Set::size).sum();
			run(clients, sent, refused, 2, false, () -> {
			}, () -> {
			});
			Map<String, Object> report = settle("kafka killed (SIGKILL) and restarted", clients, sent, refused);
			assertThat((Integer) report.get("sent")).isGreaterThan(before);
			assertThat(report.get("lost")).isEqualTo(0);
			assertThat(report.get("duplicates")).isEqualTo(0);
		}
		finally {
			clients.forEach(ResumingClient::close);
		}
	}

	@Test
	@Order(5)
	void pushesToOneUserIssuedThroughEveryNodeAtOnceArriveOnceAndInOrder() throws Exception {
		// the normal case behind a load balancer: each user's recoverable pushes issued
		// four at a time, through PushOperations and the gRPC API of both nodes, while
		// each user's two clients (on different nodes, over different transports)
		// reconnect now and then, to the other node, with their positions
		ManagedChannel secondChannel = ManagedChannelBuilder
			.forAddress("127.0.0.1", nodes.get(1).bean(GrpcServer.class).port())
			.usePlaintext()
			.build();
		Metadata headers = new Metadata();
		headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + API_TOKEN);
		List<PushGatewayGrpc.PushGatewayFutureStub> stubs = List.of(grpc, PushGatewayGrpc.newFutureStub(secondChannel)
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)));
		List<ResumingClient> clients = new ArrayList<>();
		int users = 8;
		List<String> uids = new ArrayList<>();
		try {
			for (int u = 0; u < users; u++) {
				String uid = "order-" + UUID.randomUUID();
				uids.add(uid);
				List<Integer> ports = List.of(nodes.get(u % 2).port(), nodes.get((u + 1) % 2).port());
				clients.add(new ResumingClient(uid, ports, "websocket"));
				clients.add(new ResumingClient(uid, List.of(ports.get(1), ports.get(0)), TRANSPORTS[u % 3]));
			}
			for (ResumingClient client : clients) {
				client.awaitConnected();
			}
			// uid -> (message ID, payload) of every push the gateway accepted
			Map<String, Map<String, Integer>> accepted = new ConcurrentHashMap<>();
			AtomicInteger refused = new AtomicInteger();
			Random random = new Random(25);
			int rounds = SECONDS * 10;
			for (int round = 0; round < rounds; round++) {
				List<CompletableFuture<?>> inFlight = new ArrayList<>();
				for (String uid : uids) {
					for (int path = 0; path < 4; path++) {
						int n = PAYLOADS.getAndIncrement();
						CompletableFuture<String> messageId = (path % 2 == 0)
								? push(path / 2).pushRecoverable(PushTarget.user(uid), "load", n)
									.map(PushResult::messageId)
									.toFuture()
								: grpcPush(stubs.get(path / 2), uid, n, true);
						inFlight.add(messageId.whenComplete((id, error) -> {
							if (error == null) {
								accepted.computeIfAbsent(uid, (key) -> new ConcurrentHashMap<>()).put(id, n);
							}
							else {
								refused.incrementAndGet();
							}
						}));
					}
				}
				if (round % 3 == 1) {
					clients.get(random.nextInt(clients.size())).reconnect();
				}
				CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
					.exceptionally((error) -> null)
					.get(30, TimeUnit.SECONDS);
			}
			Map<ResumingClient, Set<String>> expected = new LinkedHashMap<>();
			for (ResumingClient client : clients) {
				Set<String> ids = new HashSet<>();
				accepted.getOrDefault(client.uid(), Map.of())
					.forEach((messageId, n) -> ids.add(client.sentId(messageId, n)));
				expected.put(client, ids);
			}
			try {
				await().atMost(Duration.ofSeconds(30))
					.until(() -> expected.entrySet()
						.stream()
						.allMatch((entry) -> entry.getKey().received().containsAll(entry.getValue())));
			}
			catch (ConditionTimeoutException ex) {
				// reported as lost below
			}
			int sent = 0;
			int lost = 0;
			for (Map.Entry<ResumingClient, Set<String>> entry : expected.entrySet()) {
				sent += entry.getValue().size();
				lost += (int) entry.getValue().stream().filter((id) -> !entry.getKey().received().contains(id)).count();
			}
			Map<String, Object> report = new LinkedHashMap<>();
			report.put("fault", "one user's pushes through every node at once, with churn");
			report.put("sent", sent);
			report.put("refused", refused.get());
			report.put("lost", lost);
			report.put("duplicates", clients.stream().mapToInt(ResumingClient::duplicates).sum());
			report.put("reordered", clients.stream().mapToInt(ResumingClient::outOfOrder).sum());
			report.put("gaps", clients.stream().mapToInt(ResumingClient::gaps).sum());
			report.put("reconnects", clients.stream().mapToInt(ResumingClient::reconnects).sum());
			print(report);
			assertThat(refused.get()).isZero();
			assertThat(sent).isEqualTo(rounds * users * 4 * 2);
			assertThat(report.get("lost")).isEqualTo(0);
			assertThat(report.get("duplicates")).isEqualTo(0);
			assertThat(report.get("reordered")).isEqualTo(0);
			assertThat(report.get("gaps")).isEqualTo(0);
			// a reconnect is asked every third round; a few land while the last one is
			// still under way
			assertThat((Integer) report.get("reconnects")).isGreaterThanOrEqualTo(rounds / 6);
		}
		finally {
			clients.forEach(ResumingClient::close);
			secondChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	private static CompletableFuture<String> grpcPush(PushGatewayGrpc.PushGatewayFutureStub stub, String uid, int n,
			boolean recoverable) {
		CompletableFuture<String> messageId = new CompletableFuture<>();
		ListenableFuture<PushReply> reply = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
			.push(PushRequest.newBuilder()
				.setUser(uid)
				.setEvent("load")
				.setPayload(ByteString.copyFromUtf8(Integer.toString(n)))
				.setRecoverable(recoverable)
				.build());
		reply.addListener(() -> {
			try {
				messageId.complete(reply.get().getMessageId());
			}
			catch (Exception ex) {
				messageId.completeExceptionally(ex);
			}
		}, Runnable::run);
		return messageId;
	}

	// load and reports

	/**
	 * Pushes from the first node to the clients for a while; the fault strikes after a
	 * third of the time, the repair after two thirds. A push the gateway refused (an
	 * error to the caller) is counted as refused, not sent: the caller knows it did not
	 * go out.
	 */
	private static void run(List<ResumingClient> clients, Map<String, Set<String>> sent, AtomicInteger refused,
			int seconds, boolean recoverable, Runnable fault, Runnable repair) throws InterruptedException {
		int total = seconds * RATE;
		List<CompletableFuture<?>> pending = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < total; i++) {
			if (i == total / 3) {
				fault.run();
			}
			if (i == 2 * total / 3) {
				repair.run();
			}
			ResumingClient client = clients.get(i % clients.size());
			// unique in the whole suite: Socket.IO clients know a push by its payload
			int n = PAYLOADS.getAndIncrement();
			// not awaited here: during an outage a push takes up to the publish timeout
			// to be refused, and the load keeps its rate meanwhile
			pending.add(loadPush(n, client.uid(), recoverable).whenComplete((messageId, error) -> {
				if (error == null) {
					sent.computeIfAbsent(client.uid(), (uid) -> ConcurrentHashMap.newKeySet())
						.add(client.sentId(messageId, n));
				}
				else if (refused.incrementAndGet() == 1) {
					System.out.println("FAULT first refusal: " + error);
				}
			}));
			long due = start + TimeUnit.SECONDS.toNanos(i + 1) / RATE;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
		}
		for (CompletableFuture<?> push : pending) {
			try {
				push.get(30, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// counted as refused
			}
		}
	}

	/**
	 * Waits until every sent push arrived (or 30 s), then prints and returns the report.
	 */
	private static Map<String, Object> settle(String fault, List<ResumingClient> clients, Map<String, Set<String>> sent,
			AtomicInteger refused) {
		try {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> clients.stream()
					.allMatch((client) -> client.received().containsAll(sent.getOrDefault(client.uid(), Set.of()))));
		}
		catch (ConditionTimeoutException ex) {
			// reported as lost below
		}
		int sentCount = 0;
		int lost = 0;
		int received = 0;
		int duplicates = 0;
		int reconnects = 0;
		int reordered = 0;
		int gaps = 0;
		Map<String, Integer> closes = new TreeMap<>();
		for (ResumingClient client : clients) {
			client.closes().forEach((code, count) -> closes.merge(code, count, Integer::sum));
			Set<String> expected = sent.getOrDefault(client.uid(), Set.of());
			sentCount += expected.size();
			received += (int) expected.stream().filter(client.received()::contains).count();
			lost += (int) expected.stream().filter((id) -> !client.received().contains(id)).count();
			duplicates += client.duplicates();
			reconnects += client.reconnects();
			reordered += client.outOfOrder();
			gaps += client.gaps();
		}
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("fault", fault);
		report.put("sent", sentCount);
		report.put("refused", refused.get());
		report.put("received", received);
		report.put("lost", lost);
		report.put("duplicates", duplicates);
		report.put("reordered", reordered);
		report.put("gaps", gaps);
		report.put("reconnects", reconnects);
		report.put("closeCodes", "" + closes);
		print(report);
		return report;
	}

	private static double slowConsumerCloses() {
		return nodes.get(0)
			.bean(MeterRegistry.class)
			.get("push.gateway.closes")
			.tag("reason", "slow_consumer")
			.counter()
			.count();
	}

	private static void print(Map<String, Object> report) {
		StringBuilder json = new StringBuilder("{");
		report.forEach((key, value) -> json.append((json.length() > 1) ? "," : "")
			.append('"')
			.append(key)
			.append("\":")
			.append((value instanceof String) ? "\"" + value + "\"" : value));
		System.out.println("FAULT " + json.append('}'));
	}

}
