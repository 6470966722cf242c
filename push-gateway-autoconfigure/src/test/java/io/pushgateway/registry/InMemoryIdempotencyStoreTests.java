package io.pushgateway.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.pushgateway.cluster.RecentRecordIds;
import io.pushgateway.support.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryIdempotencyStoreTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T12:00:00Z"));

	@Test
	void aKeyIsClaimedOnceWithinItsWindowAndAnswersTheFirstPushsId() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(10, this.clock);
		Duration window = Duration.ofMinutes(1);
		assertThat(store.claim("k", window).block()).isEmpty();
		assertThat(store.claim("k", window).block()).contains("");
		store.complete("k", "42", window).block();
		assertThat(store.claim("k", window).block()).contains("42");
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(store.claim("k", window).block()).isEmpty();
	}

	@Test
	void aReleasedKeyCanBeClaimedAgain() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(10, this.clock);
		assertThat(store.claim("k", Duration.ofMinutes(1)).block()).isEmpty();
		store.release("k").block();
		assertThat(store.claim("k", Duration.ofMinutes(1)).block()).isEqualTo(Optional.empty());
	}

	@Test
	void theOldestKeysAreForgottenBeyondTheBound() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(3, this.clock);
		for (int i = 0; i < 10; i++) {
			store.claim("k" + i, Duration.ofHours(1)).block();
		}
		assertThat(store.size()).isLessThanOrEqualTo(3);
		assertThat(store.claim("k9", Duration.ofHours(1)).block()).contains("");
		assertThat(store.claim("k0", Duration.ofHours(1)).block()).isEmpty();
	}

	@Test
	void recentRecordIdsDropRepeatsWithinTheWindowAndStayBounded() {
		long[] millis = { 0 };
		RecentRecordIds ids = new RecentRecordIds(Duration.ofSeconds(10), 2, () -> millis[0]);
		assertThat(ids.firstTime("1")).isTrue();
		assertThat(ids.firstTime("1")).isFalse();
		millis[0] = 11_000;
		assertThat(ids.firstTime("1")).isTrue();
		ids.firstTime("2");
		ids.firstTime("3");
		// "1" was the oldest of three: forgotten
		assertThat(ids.firstTime("1")).isTrue();
	}

}
