package io.pushgateway.hub;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pushgateway.core.PushRejectedException;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class AckTrackerTests {

	private final List<ClusterMessage> forwarded = new CopyOnWriteArrayList<>();

	private final ClusterBus bus = new ClusterBus() {

		@Override
		public Mono<Void> publish(ClusterMessage message) {
			return Mono.empty();
		}

		@Override
		public Mono<Void> publish(ClusterMessage message, Set<String> nodes) {
			AckTrackerTests.this.forwarded.add(message);
			return Mono.empty();
		}

		@Override
		public Flux<ClusterMessage> received() {
			return Flux.never();
		}

	};

	/*
	 * A tracker of at most that many pushes, timeouts up to 5 s, round trips unreported.
	 */
	private AckTracker tracker(int maxPending) {
		return new AckTracker(this.bus, maxPending, Duration.ofSeconds(5), (nanos) -> {
		});
	}

	@Test
	void reportsEachAcknowledgingSocketOnceInArrivalOrder() {
		AckTracker tracker = tracker(10);
		Mono<List<Long>> result = tracker.expect(1, Duration.ofMillis(200));
		tracker.acknowledged(1, 22);
		tracker.acknowledged(1, 11);
		tracker.acknowledged(1, 22);
		tracker.acknowledgedElsewhere(new ClusterMessage.Acked(1, 33));
		assertThat(result.block(Duration.ofSeconds(5))).containsExactly(22L, 11L, 33L);
		assertThat(tracker.acknowledged(1, 44)).as("after the timeout").isFalse();
	}

	@Test
	void acknowledgementsOfAnotherNodesPushAreForwardedToIt() {
		AckTracker tracker = tracker(10);
		tracker.delivering(7, "node-9");
		assertThat(tracker.acknowledged(7, 70)).isTrue();
		assertThat(this.forwarded).containsExactly(new ClusterMessage.Acked(7, 70));
		assertThat(tracker.acknowledged(8, 80)).as("unknown push").isFalse();
	}

	@Test
	void pendingEntriesExpireEvenWhenNobodySubscribes() {
		AckTracker tracker = tracker(1);
		tracker.expect(1, Duration.ofMillis(100));
		assertThatExceptionOfType(PushRejectedException.class)
			.isThrownBy(() -> tracker.expect(2, Duration.ofMillis(100)));
		await().atMost(Duration.ofSeconds(5))
			.ignoreExceptions()
			.until(() -> tracker.expect(3, Duration.ofMillis(100)) != null);
	}

	@Test
	void timeoutsOutsideTheBoundsAreRefused() {
		AckTracker tracker = tracker(10);
		assertThatExceptionOfType(PushRejectedException.class).isThrownBy(() -> tracker.expect(1, Duration.ZERO));
		assertThatExceptionOfType(PushRejectedException.class)
			.isThrownBy(() -> tracker.expect(1, Duration.ofSeconds(6)));
	}

}
