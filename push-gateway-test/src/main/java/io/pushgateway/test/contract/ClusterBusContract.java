package io.pushgateway.test.contract;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.DisposableBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract every {@link ClusterBus} implementation passes: what one node publishes,
 * every other node receives once, in order per target, intact, and the publisher never
 * receives its own messages; publishing completes, the bus becomes ready and reports
 * itself healthy, and what it receives never ends while it runs.
 *
 * <p>
 * Extend it and create the bus of one node; the nodes of one test share a transport (a
 * fresh topic or channel per test: a test class instance is made per test). A bus that
 * {@linkplain ClusterBus#reachesOtherNodes() reaches no other node}, as the embedded
 * single-node bus, carries nothing: it passes the tests every bus passes, and the
 * delivery tests are skipped for it. A bus that is a
 * {@link org.springframework.context.Lifecycle} is started, and after the test stopped
 * and destroyed, if it is a {@link DisposableBean}.
 *
 * @author Push Gateway team
 */
public abstract class ClusterBusContract {

	private static final AtomicLong ids = new AtomicLong(1_000_000);

	private final Disposable.Composite subscriptions = Disposables.composite();

	private final Backends backends = new Backends();

	private final List<String> terminated = new CopyOnWriteArrayList<>();

	/**
	 * Create the bus of one node; nodes of one test share the transport.
	 * @param nodeId the node
	 * @return the bus
	 */
	protected abstract ClusterBus createBus(String nodeId);

	@AfterEach
	void closeBuses() throws Exception {
		List<String> ended = List.copyOf(this.terminated);
		this.subscriptions.dispose();
		this.backends.stopAll();
		assertThat(ended).as("received() never ends while the bus runs").isEmpty();
	}

	private BlockingQueue<ClusterMessage> subscribe(ClusterBus bus) {
		BlockingQueue<ClusterMessage> received = new LinkedBlockingQueue<>();
		this.subscriptions.add(bus.received()
			.subscribe(received::add, (error) -> this.terminated.add("failed: " + error),
					() -> this.terminated.add("completed")));
		bus.ready().block(Duration.ofSeconds(30));
		return received;
	}

	private ClusterBus bus(String node) {
		return this.backends.start(createBus(node));
	}

	// the bus of a node, for a test of delivery between nodes: skipped for a lone bus
	private ClusterBus deliveringBus(String node) {
		ClusterBus bus = bus(node);
		assumeTrue(bus.reachesOtherNodes(), "a bus that reaches no other node delivers nothing");
		return bus;
	}

	private static ClusterMessage take(BlockingQueue<ClusterMessage> queue) throws InterruptedException {
		ClusterMessage message = queue.poll(20, TimeUnit.SECONDS);
		assertThat(message).as("message within 20 s").isNotNull();
		return message;
	}

	private static List<ClusterMessage> take(BlockingQueue<ClusterMessage> queue, int count)
			throws InterruptedException {
		List<ClusterMessage> received = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			received.add(take(queue));
		}
		return received;
	}

	private static Push push(PushTarget target, Payload payload) {
		return new Push(ids.incrementAndGet(), target, "event", payload);
	}

	@Test
	void everyOtherNodeReceivesOnceAndThePublisherNever() throws Exception {
		ClusterBus a = deliveringBus("node-a");
		ClusterBus b = bus("node-b");
		ClusterBus c = bus("node-c");
		BlockingQueue<ClusterMessage> atA = subscribe(a);
		BlockingQueue<ClusterMessage> atB = subscribe(b);
		BlockingQueue<ClusterMessage> atC = subscribe(c);
		Push push = push(PushTarget.user("alice"), Payload.json("{\"n\":1}"));

		a.publish(new ClusterMessage.Deliver(push)).block(Duration.ofSeconds(30));
		ClusterMessage marker = new ClusterMessage.Deliver(push(PushTarget.all(), Payload.text("marker")));
		b.publish(marker).block(Duration.ofSeconds(30));

		assertThat(take(atB)).isEqualTo(new ClusterMessage.Deliver(push));
		assertThat(take(atC)).isEqualTo(new ClusterMessage.Deliver(push));
		assertThat(take(atC)).isEqualTo(marker);
		assertThat(take(atA)).as("a's first message is b's marker, not its own push").isEqualTo(marker);
		assertThat(atB.poll()).as("b does not get its own marker back").isNull();
	}

	@Test
	void everyTargetFormatAndDisconnectSurvivesTheTrip() throws Exception {
		ClusterBus a = deliveringBus("node-a");
		ClusterBus b = bus("node-b");
		subscribe(a);
		BlockingQueue<ClusterMessage> atB = subscribe(b);
		List<ClusterMessage> sent = everyKindOfMessage();

		for (ClusterMessage message : sent) {
			a.publish(message).block(Duration.ofSeconds(30));
		}

		List<ClusterMessage> received = take(atB, sent.size());
		assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
		assertThat(received).filteredOn(ClusterMessage.Deliver.class::isInstance)
			.extracting((message) -> ((ClusterMessage.Deliver) message).origin())
			.containsOnly("node-a");
		assertThat(received).filteredOn(ClusterMessage.Relay.class::isInstance)
			.extracting((message) -> ((ClusterMessage.Relay) message).origin())
			.containsOnly("node-a");
	}

	@Test
	void messageForSomeNodesReachesOnlyThose() throws Exception {
		ClusterBus a = deliveringBus("node-a");
		ClusterBus b = bus("node-b");
		ClusterBus c = bus("node-c");
		subscribe(a);
		BlockingQueue<ClusterMessage> atB = subscribe(b);
		BlockingQueue<ClusterMessage> atC = subscribe(c);
		ClusterMessage routed = new ClusterMessage.Deliver(push(PushTarget.user("on-b"), Payload.text("routed")));
		ClusterMessage marker = new ClusterMessage.Deliver(push(PushTarget.all(), Payload.text("marker")));

		a.publish(routed, Set.of("node-b")).block(Duration.ofSeconds(30));
		a.publish(marker).block(Duration.ofSeconds(30));

		assertThat(take(atB)).isIn(routed, marker);
		assertThat(take(atC)).as("c's first message is the broadcast marker").isEqualTo(marker);
		ClusterMessage second = (atB.peek() != null) ? atB.poll() : take(atB);
		assertThat(second).isIn(routed, marker);
	}

	@Test
	void pushesToOneTargetKeepTheirOrder() throws Exception {
		ClusterBus a = deliveringBus("node-a");
		ClusterBus b = bus("node-b");
		subscribe(a);
		BlockingQueue<ClusterMessage> atB = subscribe(b);
		List<ClusterMessage> sent = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			sent.add(new ClusterMessage.Deliver(push(PushTarget.user("ordered"), Payload.json(Integer.toString(i)))));
		}

		Flux.fromIterable(sent).concatMap(a::publish).blockLast(Duration.ofSeconds(60));

		List<ClusterMessage> received = take(atB, sent.size());
		assertThat(received).containsExactlyElementsOf(sent);
	}

	@Test
	void relaysToOneNodeWithOneKeyKeepTheirOrderAndNameTheirOrigin() throws Exception {
		ClusterBus a = deliveringBus("node-a");
		ClusterBus b = bus("node-b");
		subscribe(a);
		BlockingQueue<ClusterMessage> atB = subscribe(b);
		List<ClusterMessage> sent = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			sent.add(new ClusterMessage.Relay("node-b", "polling", "socket:7",
					Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
		}

		Flux.fromIterable(sent)
			.concatMap((relay) -> a.publish(relay, Set.of("node-b")))
			.blockLast(Duration.ofSeconds(60));

		List<ClusterMessage> received = take(atB, sent.size());
		assertThat(received).containsExactlyElementsOf(sent);
		assertThat(received).extracting((message) -> ((ClusterMessage.Relay) message).origin()).containsOnly("node-a");
	}

	@Test
	void aPushCarriesItsPropagationHeaders() throws Exception {
		ClusterBus a = deliveringBus("node-a");
		ClusterBus b = bus("node-b");
		subscribe(a);
		BlockingQueue<ClusterMessage> atB = subscribe(b);
		Map<String, String> trace = Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
				"tracestate", "vendor=opaque");

		a.publish(new ClusterMessage.Deliver(push(PushTarget.user("traced"), Payload.text("t")), null, trace))
			.block(Duration.ofSeconds(30));

		assertThat(((ClusterMessage.Deliver) take(atB)).headers()).isEqualTo(trace);
	}

	private static List<ClusterMessage> everyKindOfMessage() {
		return List.of(new ClusterMessage.Deliver(push(PushTarget.user("ü-ser"), Payload.text("héllo"))),
				new ClusterMessage.Deliver(push(PushTarget.users(List.of("a", "b", "c")), Payload.json("[1,2]"))),
				new ClusterMessage.Deliver(push(PushTarget.guid("doc/1"), Payload.binary(new byte[] { 0, -1, 7 }))),
				new ClusterMessage.Deliver(push(PushTarget.socket(Long.MAX_VALUE), Payload.json("null"))),
				new ClusterMessage.Deliver(push(PushTarget.all(), Payload.binary(new byte[0]))),
				new ClusterMessage.Deliver(new Push(ids.incrementAndGet(), PushTarget.user("acker"), "e",
						Payload.text("please ack"), true)),
				new ClusterMessage.Reply(43, "client-7", Payload.json("{\"ok\":true}")),
				new ClusterMessage.Acked(44, 45),
				new ClusterMessage.Disconnect(PushTarget.socket(42), 4003, "replaced by a newer connection"),
				new ClusterMessage.Disconnect(PushTarget.user("ü-ser"), 4006, "bänned"),
				new ClusterMessage.Disconnect(PushTarget.users(List.of("a", "b")), 4005, ""),
				new ClusterMessage.Disconnect(PushTarget.guid("doc/1"), 4750, "document deleted"),
				new ClusterMessage.Disconnect(PushTarget.all(), 4500, "maintenance"),
				new ClusterMessage.Relay("node-b", "polling", "socket:46",
						"{\"t\":\"ping\"}".getBytes(StandardCharsets.UTF_8)),
				new ClusterMessage.Relay("node-b", "polling", "socket:46", new byte[0]),
				new ClusterMessage.Relay("node-b", "another-transport", "poll:47",
						new byte[] { (byte) 0x91, (byte) 0x80, 0, (byte) 0xff }));
	}

	@Test
	void publishingEveryKindOfMessageCompletesOnceTheBusIsReady() {
		ClusterBus a = bus("node-a");
		subscribe(a);
		for (ClusterMessage message : everyKindOfMessage()) {
			a.publish(message).block(Duration.ofSeconds(30));
			a.publish(message, Set.of("node-b")).block(Duration.ofSeconds(30));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> a.health().up());
	}

	@Test
	void aNodeNeverReceivesItsOwnMessages() throws Exception {
		ClusterBus a = bus("node-a");
		BlockingQueue<ClusterMessage> atA = subscribe(a);
		ClusterMessage own = new ClusterMessage.Deliver(push(PushTarget.all(), Payload.text("own")));

		a.publish(own).block(Duration.ofSeconds(30));
		a.publish(own, Set.of("node-a")).block(Duration.ofSeconds(30));

		if (a.reachesOtherNodes()) {
			ClusterBus b = bus("node-b");
			subscribe(b);
			ClusterMessage marker = new ClusterMessage.Deliver(push(PushTarget.all(), Payload.text("marker")));
			b.publish(marker).block(Duration.ofSeconds(30));
			assertThat(take(atA)).as("a's first message is b's marker, not its own").isEqualTo(marker);
		}
		else {
			// a lone bus carries nothing, its own messages least of all
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(atA::isEmpty);
		}
	}

}
