package io.pushgateway.hub;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.registry.InMemoryPushStore;
import io.pushgateway.spi.PushStore;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

class RecoveryCoordinatorTests {

	private final InMemoryPushStore memory = new InMemoryPushStore(100, Duration.ofMinutes(1), Clock.systemUTC());

	/** The store, with reads the test completes by hand. */
	private final Sinks.One<PushStore.Recovery> read = Sinks.one();

	private final PushStore store = new PushStore() {

		@Override
		public Mono<String> append(String stream, Push push) {
			return RecoveryCoordinatorTests.this.memory.append(stream, push);
		}

		@Override
		public Mono<Recovery> since(String stream, @Nullable String since, int max) {
			return RecoveryCoordinatorTests.this.read.asMono();
		}

	};

	private final LocalHub hub = new LocalHub(0);

	private final RecoveryCoordinator coordinator = new RecoveryCoordinator(
			new StreamOrder(this.store, 100, Duration.ofMillis(500), null));

	private final FanOut fanOut = new FanOut(this.hub, ByteBufAllocator.DEFAULT,
			new GatewayMetrics(new SimpleMeterRegistry(), this.hub), 16, SlowConsumerPolicies.CLOSE,
			this.coordinator.order());

	private Push append(long id) {
		Push push = new Push(id, PushTarget.user("alice"), "e", Payload.json(Long.toString(id)));
		return push.at(this.store.append("user:alice", push).block());
	}

	@Test
	void aPushDeliveredLiveDuringTheReplayReachesTheConnectionOnce() {
		String since = append(1).position();
		append(2);
		FakeConnection connection = new FakeConnection(10, "alice");
		RecoveryCoordinator coordinator = this.coordinator;

		coordinator.recover(connection, "user:alice", since, null, () -> this.hub.register(connection));
		// a push issued now is in the stream and fanned out live while the store is being
		// read
		this.fanOut.deliver(append(3));
		this.read.tryEmitValue(this.memory.since("user:alice", since, 100).block());

		List<String> frames = connection.written;
		assertThat(frames).hasSize(3);
		assertThat(frames.get(0)).contains("\"d\":2");
		assertThat(frames.get(1)).contains("\"d\":3");
		assertThat(frames.get(2)).contains("\"t\":\"recovered\"").contains("\"n\":2");
	}

	@Test
	void aReplayedPushWhoseBusCopyArrivesAfterTheReplayIsNotDeliveredTwice() {
		String since = append(1).position();
		FakeConnection connection = new FakeConnection(12, "alice");
		RecoveryCoordinator coordinator = this.coordinator;
		// appended before the store is read, but its copy from the cluster bus is slower
		// than the read: it arrives after the replay ended (the fault suite's duplicate)
		Push slow = append(2);
		coordinator.recover(connection, "user:alice", since, null, () -> this.hub.register(connection));
		this.read.tryEmitValue(this.memory.since("user:alice", since, 100).block());
		this.fanOut.deliver(slow);
		// a copy of the client's own last push, still on its way to this node, too
		this.fanOut.deliver(new Push(1, PushTarget.user("alice"), "e", Payload.json("1")).at(since));
		Push newer = append(3);
		this.fanOut.deliver(newer);

		List<String> frames = connection.written;
		assertThat(frames).hasSize(3);
		assertThat(frames.get(0)).contains("\"d\":2");
		assertThat(frames.get(1)).contains("\"t\":\"recovered\"");
		assertThat(frames.get(2)).contains("\"d\":3");
	}

	@Test
	void aFreshConnectionStartsAtTheStreamsPositionWhichTheRecoveredFrameNames() {
		Push before = append(1);
		FakeConnection connection = new FakeConnection(13, "alice");
		RecoveryCoordinator coordinator = this.coordinator;
		coordinator.recover(connection, "user:alice", null, null, () -> this.hub.register(connection));
		this.read.tryEmitValue(this.memory.since("user:alice", null, 100).block());
		// appended before the connection read the stream: before its start
		this.fanOut.deliver(before);
		this.fanOut.deliver(append(2));

		assertThat(connection.written).hasSize(2);
		assertThat(connection.written.get(0)).contains("\"t\":\"recovered\"")
			.contains("\"p\":\"" + before.position() + "\"");
		assertThat(connection.written.get(1)).contains("\"d\":2");
	}

	@Test
	void aPushThatReachesAFreshConnectionWhileTheTopIsReadIsDeliveredThoughTheTopCountsIt() {
		append(1);
		FakeConnection connection = new FakeConnection(14, "alice");
		this.coordinator.recover(connection, "user:alice", null, null, () -> this.hub.register(connection));
		// pushed right after the connection became reachable, and appended before the
		// read of the top: the top already counts it (the race CI's Socket.IO test hit)
		Push first = append(2);
		this.fanOut.deliver(first);
		this.read.tryEmitValue(this.memory.since("user:alice", null, 100).block());
		this.fanOut.deliver(append(3));

		assertThat(connection.written).hasSize(3);
		assertThat(connection.written.get(0)).contains("\"t\":\"recovered\"");
		assertThat(connection.written.get(1)).contains("\"d\":2");
		assertThat(connection.written.get(2)).contains("\"d\":3");
	}

	@Test
	void pushesNewerThanTheReplayAreReleasedAfterIt() {
		String since = append(1).position();
		FakeConnection connection = new FakeConnection(11, "alice");
		RecoveryCoordinator coordinator = this.coordinator;

		coordinator.recover(connection, "user:alice", since, null, () -> this.hub.register(connection));
		PushStore.Recovery snapshot = this.memory.since("user:alice", since, 100).block();
		this.fanOut.deliver(append(4));
		this.read.tryEmitValue(snapshot);

		assertThat(connection.written).hasSize(2);
		assertThat(connection.written.get(0)).contains("\"t\":\"recovered\"").contains("\"n\":0");
		assertThat(connection.written.get(1)).contains("\"d\":4");
	}

}
