package io.pushgateway.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.PushStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryPushStoreTests {

	private final InMemoryPushStore store = new InMemoryPushStore(3, Duration.ofMinutes(1),
			Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

	private String append(int n) {
		return this.store.append("user:a", new Push(n, PushTarget.user("a"), "e", Payload.json(Integer.toString(n))))
			.block();
	}

	@Test
	void everythingAfterAKeptPositionIsRecoveredInOrder() {
		String first = append(1);
		append(2);
		append(3);

		PushStore.Recovery recovery = this.store.since("user:a", first, 10).block();

		assertThat(recovery.complete()).isTrue();
		assertThat(recovery.pushes()).extracting(Push::messageId).containsExactly(2L, 3L);
		assertThat(recovery.pushes()).allSatisfy((push) -> assertThat(push.position()).isNotNull());
		assertThat(recovery.last()).isEqualTo(recovery.pushes().get(1).position());
		assertThat(PushStore.compare(first, recovery.last())).isNegative();
	}

	@Test
	void aPositionOlderThanWhatIsKeptIsAGap() {
		String first = append(1);
		for (int i = 2; i <= 5; i++) {
			append(i);
		}
		assertThat(this.store.since("user:a", first, 10).block().complete()).isFalse();
	}

	@Test
	void theLastPositionAndNoPositionAreComplete() {
		append(1);
		String last = append(2);
		assertThat(this.store.since("user:a", last, 10).block()).satisfies((recovery) -> {
			assertThat(recovery.complete()).isTrue();
			assertThat(recovery.pushes()).isEmpty();
		});
		assertThat(this.store.since("user:a", null, 10).block().last()).isEqualTo(last);
		assertThat(this.store.since("user:unknown", "1-0", 10).block().complete()).isFalse();
		assertThat(this.store.since("user:unknown", null, 10).block().complete()).isTrue();
	}

	@Test
	void tooManyMissedPushesAreAGap() {
		String first = append(1);
		append(2);
		append(3);
		assertThat(this.store.since("user:a", first, 1).block().complete()).isFalse();
	}

}
