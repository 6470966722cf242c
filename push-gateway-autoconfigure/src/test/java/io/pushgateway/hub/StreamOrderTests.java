package io.pushgateway.hub;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.StreamPosition;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.registry.InMemoryPushStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live recoverable pushes reach a connection in position order, once, whatever order they
 * arrive in: pushes to one user issued through two nodes are appended in one order and
 * may arrive in the other.
 */
class StreamOrderTests {

	private final ManualEventLoop loop = new ManualEventLoop();

	private final InMemoryPushStore store = new InMemoryPushStore(5, Duration.ofMinutes(1), Clock.systemUTC());

	private final LocalHub hub = new LocalHub(0);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final GatewayMetrics metrics = new GatewayMetrics(this.meters, this.hub);

	private final StreamOrder order = new StreamOrder(this.store, 5, Duration.ofMillis(500), this.metrics);

	private final RecoveryCoordinator coordinator = new RecoveryCoordinator(this.order);

	private final FanOut fanOut = new FanOut(this.hub, ByteBufAllocator.DEFAULT, this.metrics, 16,
			SlowConsumerPolicies.CLOSE, this.order);

	private final LoopConnection connection = new LoopConnection(this.loop, 20, "alice");

	private Push append(String stream, long id) {
		PushTarget target = stream.startsWith("user:") ? PushTarget.user(stream.substring(5))
				: PushTarget.guid(stream.substring(5));
		Push push = new Push(id, target, "e", Payload.json(Long.toString(id)));
		return push.at(this.store.append(stream, push).block());
	}

	private void connect() {
		this.coordinator.recover(this.connection, "user:alice", null, null, () -> this.hub.register(this.connection));
		this.connection.written.clear();
	}

	private List<String> pushesWritten() {
		return this.connection.written.stream()
			.filter((frame) -> frame.contains("\"t\":\"push\""))
			.map((frame) -> frame.substring(frame.indexOf("\"d\":") + 4, frame.indexOf("\"d\":") + 5))
			.toList();
	}

	private double count(String name, String outcome) {
		return this.meters.get(name).tag("outcome", outcome).counter().count();
	}

	@Test
	void aPushThatOvertookItsPredecessorWaitsForIt() {
		connect();
		Push first = append("user:alice", 1);
		Push second = append("user:alice", 2);
		Push third = append("user:alice", 3);

		this.fanOut.deliver(third);
		this.fanOut.deliver(second);
		assertThat(pushesWritten()).isEmpty();
		this.fanOut.deliver(first);

		assertThat(pushesWritten()).containsExactly("1", "2", "3");
		assertThat(this.loop.hasScheduled()).as("no gap left to fill").isFalse();
		assertThat(count("push.gateway.recovery.order", "held")).isEqualTo(2);
		assertThat(this.meters.get("push.gateway.recovery.hold").timer().count()).isEqualTo(2);
	}

	@Test
	void aPushAtOrBelowThePositionIsADuplicate() {
		connect();
		Push first = append("user:alice", 1);
		this.fanOut.deliver(first);
		this.fanOut.deliver(first);

		assertThat(pushesWritten()).containsExactly("1");
		assertThat(count("push.gateway.recovery.order", "duplicate")).isEqualTo(1);
	}

	@Test
	void aGapNoLivePushClosesIsFilledFromTheStoreAfterTheTimeout() {
		connect();
		append("user:alice", 1);
		Push second = append("user:alice", 2);
		// the first push's live copy never comes (its node died after appending it)
		this.fanOut.deliver(second);
		assertThat(pushesWritten()).isEmpty();

		assertThat(this.loop.runScheduled()).isEqualTo(1);

		assertThat(pushesWritten()).containsExactly("1", "2");
		assertThat(count("push.gateway.recovery.gaps", "filled")).isEqualTo(1);
		assertThat(this.connection.written).noneMatch((frame) -> frame.contains("4410"));
	}

	@Test
	void aGapTheStoreNoLongerHoldsIsReportedThenTheHeldPushesFollow() {
		connect();
		for (int i = 1; i <= 6; i++) {
			append("user:alice", i);
		}
		// 6 pushes in a stream that keeps 5: the first is gone; only the sixth arrives
		Push seventh = append("user:alice", 7);
		this.fanOut.deliver(seventh);
		this.loop.runScheduled();

		assertThat(this.connection.written.get(0)).contains("\"code\":4410");
		assertThat(this.connection.written.get(1)).contains("\"t\":\"recovered\"")
			.contains("\"ok\":false")
			.contains("\"p\":\"" + new StreamPosition(StreamPosition.parse(seventh.position()).epoch(), 6) + "\"");
		assertThat(pushesWritten()).containsExactly("7");
		assertThat(count("push.gateway.recovery.gaps", "given_up")).isEqualTo(1);
	}

	@Test
	void asManyHeldAsTheStoreKeepsAreFilledAtOnce() {
		connect();
		append("user:alice", 1);
		List<Push> later = List.of(append("user:alice", 2), append("user:alice", 3), append("user:alice", 4),
				append("user:alice", 5), append("user:alice", 6));
		later.forEach(this.fanOut::deliver);

		assertThat(pushesWritten()).as("read without waiting for the timeout").hasSize(5);
		assertThat(this.connection.written).anyMatch((frame) -> frame.contains("4410"));
	}

	@Test
	void aNewEpochIsReportedAndFollowed() {
		connect();
		this.fanOut.deliver(append("user:alice", 1));
		Push ofANewHistory = new Push(9, PushTarget.user("alice"), "e", Payload.json("9"))
			.at(new StreamPosition("newepoch", 1).toString());
		this.fanOut.deliver(ofANewHistory);

		assertThat(pushesWritten()).containsExactly("1", "9");
		assertThat(this.connection.written).anyMatch((frame) -> frame.contains("\"code\":4410"));
		assertThat(this.connection.written)
			.anyMatch((frame) -> frame.contains("\"ok\":false") && frame.contains("\"p\":\"newepoch:0\""));
	}

	@Test
	void guidStreamsAreOrderedApartFromTheUsersStream() {
		connect();
		this.hub.join(this.connection, "doc");
		this.coordinator.recover(this.connection, "guid:doc", null, "doc");
		this.connection.written.clear();
		Push user1 = append("user:alice", 1);
		Push doc1 = append("guid:doc", 2);
		Push doc2 = append("guid:doc", 3);

		this.fanOut.deliver(doc2);
		this.fanOut.deliver(user1);
		this.fanOut.deliver(doc1);

		assertThat(pushesWritten()).containsExactly("1", "2", "3");
	}

	@Test
	void whatAConnectionHoldsIsBounded() {
		StreamOrder tiny = new StreamOrder(this.store, 100_000, Duration.ofMinutes(1), this.metrics);
		FanOut fanOut = new FanOut(this.hub, ByteBufAllocator.DEFAULT, this.metrics, 16, SlowConsumerPolicies.CLOSE,
				tiny);
		new RecoveryCoordinator(tiny).recover(this.connection, "user:alice", null, null,
				() -> this.hub.register(this.connection));
		String epoch = StreamPosition.parse(append("user:alice", 1).position()).epoch();
		for (int i = 0; i <= StreamOrder.MAX_HELD; i++) {
			fanOut.deliver(new Push(i, PushTarget.user("alice"), "e", Payload.json("0"))
				.at(new StreamPosition(epoch, 3 + i).toString()));
		}
		assertThat(this.connection.closeCode).isEqualTo(CloseCodes.SLOW_CONSUMER);
	}

	/** A fake connection on a loop whose timers the test fires. */
	static final class LoopConnection extends FakeConnection {

		private final EventExecutor loop;

		LoopConnection(EventExecutor loop, long socketId, String uid) {
			super(socketId, uid);
			this.loop = loop;
		}

		@Override
		public EventExecutor eventLoop() {
			return this.loop;
		}

	}

}
