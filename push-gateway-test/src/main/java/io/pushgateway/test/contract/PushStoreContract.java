package io.pushgateway.test.contract;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.StreamPosition;
import io.pushgateway.spi.PushStore;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link PushStore} passes: a stream's offsets follow one another with
 * no gap in one epoch (appended concurrently too), everything after a kept position comes
 * back in order and intact, and whatever cannot be given back exactly (trimmed, another
 * epoch) is reported as a gap, never as a silent hole. Positions are
 * {@link StreamPosition}s ({@code <epoch>:<offset>}).
 *
 * <p>
 * Extend it and create a store; each test gets a fresh one, whose streams no other test
 * sees (a store that keeps its data outside the JVM should use fresh keys). A store that
 * is a {@link org.springframework.context.Lifecycle} is started, and stopped after the
 * test (and destroyed, if it is a
 * {@link org.springframework.beans.factory.DisposableBean}).
 *
 * @author Push Gateway team
 */
public abstract class PushStoreContract {

	private final Backends backends = new Backends();

	private @Nullable PushStore store;

	/**
	 * A store keeping at most three pushes per stream, for ten minutes.
	 * @return the store
	 */
	protected abstract PushStore createStore();

	@AfterEach
	void stopStore() throws Exception {
		this.backends.stopAll();
	}

	private PushStore store() {
		PushStore store = this.store;
		if (store == null) {
			store = this.backends.start(createStore());
			this.store = store;
		}
		return store;
	}

	private String append(String stream, int n) {
		PushTarget target = stream.startsWith("user:") ? PushTarget.user(stream.substring(5))
				: PushTarget.guid(stream.substring(5));
		return store().append(stream, new Push(n, target, "e" + n, Payload.json(Integer.toString(n)))).block();
	}

	@Test
	void offsetsFollowOneAnotherInOneEpoch() {
		StreamPosition first = StreamPosition.parse(append("user:a", 1));
		StreamPosition second = StreamPosition.parse(append("user:a", 2));
		assertThat(first).isNotNull();
		assertThat(first.offset()).isEqualTo(1);
		assertThat(second).isEqualTo(first.next());
		assertThat(StreamPosition.parse(append("user:b", 3)).epoch()).as("another stream, another history")
			.isNotEqualTo(first.epoch());
	}

	@Test
	void concurrentAppendsGetEveryOffsetOnce() throws Exception {
		int threads = 4;
		int each = 50;
		store();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<List<String>>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int base = t * each;
				results.add(pool.submit(() -> {
					List<String> positions = new ArrayList<>();
					for (int i = 1; i <= each; i++) {
						positions.add(append("guid:busy", base + i));
					}
					return positions;
				}));
			}
			Set<Long> offsets = new TreeSet<>();
			Set<String> epochs = new HashSet<>();
			for (Future<List<String>> result : results) {
				for (String position : result.get(30, TimeUnit.SECONDS)) {
					StreamPosition parsed = StreamPosition.parse(position);
					offsets.add(parsed.offset());
					epochs.add(parsed.epoch());
				}
			}
			assertThat(epochs).hasSize(1);
			assertThat(offsets).hasSize(threads * each);
			assertThat(offsets).first().isEqualTo(1L);
			assertThat(offsets).last().isEqualTo((long) threads * each);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aPositionOfAnotherEpochIsAGapAndNamesTheCurrentOne() {
		String last = append("user:a", 1);
		StreamPosition current = StreamPosition.parse(last);
		String foreign = new StreamPosition(current.epoch() + "x", current.offset() - 1).toString();
		PushStore.Recovery recovery = store().since("user:a", foreign, 10).block();
		assertThat(recovery.complete()).isFalse();
		assertThat(recovery.pushes()).isEmpty();
		assertThat(recovery.last()).isEqualTo(last);
		assertThat(store().since("user:a", new StreamPosition(current.epoch(), 7).toString(), 10).block().complete())
			.as("a position past the stream's last")
			.isFalse();
	}

	@Test
	void everythingAfterAKeptPositionIsRecoveredInOrderAndIntact() {
		String first = append("user:a", 1);
		append("user:a", 2);
		store().append("user:a", new Push(3, PushTarget.user("a"), "bytes", Payload.binary(new byte[] { 0, -1 })))
			.block();

		PushStore.Recovery recovery = store().since("user:a", first, 10).block();

		assertThat(recovery.complete()).isTrue();
		assertThat(recovery.pushes()).extracting(Push::messageId).containsExactly(2L, 3L);
		assertThat(recovery.pushes()).allSatisfy((push) -> assertThat(push.position()).isNotNull());
		Push binary = recovery.pushes().get(1);
		assertThat(binary.event()).isEqualTo("bytes");
		assertThat(binary.target()).isEqualTo(PushTarget.user("a"));
		assertThat(binary.payload().format()).isEqualTo(PayloadFormat.BINARY);
		assertThat(binary.payload().bytes()).containsExactly(0, -1);
		assertThat(recovery.last()).isEqualTo(binary.position());
	}

	@Test
	void aPositionOlderThanWhatIsKeptIsAGap() {
		String first = append("user:a", 1);
		for (int i = 2; i <= 5; i++) {
			append("user:a", i);
		}
		assertThat(store().since("user:a", first, 10).block().complete()).isFalse();
	}

	@Test
	void tooManyMissedPushesAreAGap() {
		String first = append("user:a", 1);
		append("user:a", 2);
		append("user:a", 3);
		assertThat(store().since("user:a", first, 1).block().complete()).isFalse();
	}

	@Test
	void theLastPositionAndNoPositionAreComplete() {
		append("user:a", 1);
		String last = append("user:a", 2);
		PushStore.Recovery atLast = store().since("user:a", last, 10).block();
		assertThat(atLast.complete()).isTrue();
		assertThat(atLast.pushes()).isEmpty();
		PushStore.Recovery fresh = store().since("user:a", null, 10).block();
		assertThat(fresh.complete()).isTrue();
		assertThat(fresh.pushes()).isEmpty();
		assertThat(fresh.last()).isEqualTo(last);
	}

	@Test
	void anUnknownStreamReadFromAPositionIsAGapWithoutHistory() {
		PushStore.Recovery recovery = store().since("user:nobody", "e1:1", 10).block();
		assertThat(recovery.complete()).isFalse();
		assertThat(recovery.last()).isNull();
	}

	@Test
	void anUnknownStreamReadWithoutAPositionBeginsItsHistoryAtOffsetZero() {
		PushStore.Recovery fresh = store().since("user:new", null, 10).block();
		assertThat(fresh.complete()).isTrue();
		assertThat(fresh.pushes()).isEmpty();
		StreamPosition begun = StreamPosition.parse(fresh.last());
		assertThat(begun).isNotNull();
		assertThat(begun.offset()).isZero();
		// read again: the same history, not another one
		assertThat(store().since("user:new", null, 10).block().last()).isEqualTo(fresh.last());
		// a client that saw nothing yet recovers from there every push appended since
		String first = append("user:new", 1);
		append("user:new", 2);
		assertThat(StreamPosition.parse(first)).isEqualTo(new StreamPosition(begun.epoch(), 1));
		PushStore.Recovery recovery = store().since("user:new", fresh.last(), 10).block();
		assertThat(recovery.complete()).isTrue();
		assertThat(recovery.pushes()).extracting(Push::messageId).containsExactly(1L, 2L);
	}

	@Test
	void streamsAreIndependent() {
		String user = append("user:a", 1);
		append("guid:doc", 2);
		append("user:b", 3);
		append("user:a", 4);
		List<Push> recovered = store().since("user:a", user, 10).block().pushes();
		assertThat(recovered).extracting(Push::messageId).containsExactly(4L);
		assertThat(store().since("guid:doc", null, 10).block().last()).isNotNull();
	}

}
