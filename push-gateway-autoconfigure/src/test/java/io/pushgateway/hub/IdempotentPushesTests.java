package io.pushgateway.hub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.pushgateway.core.AckResult;
import io.pushgateway.core.NodeOverloadedException;
import io.pushgateway.core.PushInProgressException;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushTarget;
import io.pushgateway.registry.InMemoryIdempotencyStore;
import io.pushgateway.spi.IdempotencyStore;
import io.pushgateway.support.MutableClock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class IdempotentPushesTests {

	private static final Duration WINDOW = Duration.ofMinutes(1);

	private final CountingPushes pushes = new CountingPushes();

	private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(100, Clock.systemUTC());

	@Test
	void aRetryGetsTheFirstPushsIdAndIssuesNothing() {
		PushResult first = once("k").push(PushTarget.user("u"), "e", "1").block();
		PushResult retry = once("k").push(PushTarget.user("u"), "e", "1").block();
		assertThat(this.pushes.issued).hasValue(1);
		assertThat(retry.messageId()).isEqualTo(first.messageId());
		assertThat(retry.localDeliveries()).isZero();
		assertThat(once("other").push(PushTarget.user("u"), "e", "1").block().messageId())
			.isNotEqualTo(first.messageId());
		assertThat(this.pushes.issued).hasValue(2);
	}

	@Test
	void aFailedPushReleasesItsKeySoThatARetryIssuesIt() {
		this.pushes.fail = true;
		StepVerifier.create(once("k").push(PushTarget.user("u"), "e", "1")).verifyError(IllegalStateException.class);
		this.pushes.fail = false;
		assertThat(once("k").push(PushTarget.user("u"), "e", "1").block()).isNotNull();
		assertThat(this.pushes.issued).hasValue(2);
	}

	@Test
	void aRetryWhileTheFirstIsStillBeingIssuedIsToldToRetryLater() {
		// the first claimant never finishes
		assertThat(this.store.claim("k", WINDOW).block()).isEmpty();
		StepVerifier.withVirtualTime(() -> once("k").push(PushTarget.user("u"), "e", "1"))
			.thenAwait(Duration.ofSeconds(10))
			.verifyError(PushInProgressException.class);
		assertThat(this.pushes.issued).hasValue(0);
	}

	@Test
	void aRetryWhileTheFirstIsBeingIssuedGetsItsIdOnceRecorded() {
		assertThat(this.store.claim("k", WINDOW).block()).isEmpty();
		StepVerifier.withVirtualTime(() -> once("k").push(PushTarget.user("u"), "e", "1"))
			.thenAwait(Duration.ofMillis(200))
			.then(() -> this.store.complete("k", "77", WINDOW).block())
			.thenAwait(Duration.ofMillis(100))
			.assertNext((result) -> assertThat(result.messageId()).isEqualTo("77"))
			.verifyComplete();
		assertThat(this.pushes.issued).hasValue(0);
	}

	@Test
	void aClaimNeverCompletedExpiresAfterItsLeaseNotAfterTheWindow() {
		MutableClock clock = new MutableClock(Instant.parse("2026-12-05T12:00:00Z"));

		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(100, clock);
		// the first claimant's node died mid-push
		assertThat(store.claim("k", IdempotentPushes.CLAIM_LEASE).block()).isEmpty();
		clock.advance(IdempotentPushes.CLAIM_LEASE.plusSeconds(1));
		PushResult retry = new IdempotentPushes(this.pushes, "k", store, Duration.ofHours(1), true)
			.push(PushTarget.user("u"), "e", "1")
			.block();
		assertThat(this.pushes.issued).hasValue(1);
		// recorded for the whole window
		clock.advance(Duration.ofMinutes(50));
		assertThat(store.claim("k", IdempotentPushes.CLAIM_LEASE).block()).contains(retry.messageId());
	}

	@Test
	void anUnreachableStoreIssuesNothingAndAsksForARetry() {
		IdempotencyStore down = new IdempotencyStore() {

			@Override
			public Mono<Optional<String>> claim(String key, Duration window) {
				return Mono.error(new IllegalStateException("connection refused"));
			}

			@Override
			public Mono<String> get(String key) {
				return Mono.error(new IllegalStateException("connection refused"));
			}

			@Override
			public Mono<Void> complete(String key, String messageId, Duration window) {
				return Mono.error(new IllegalStateException("connection refused"));
			}

			@Override
			public Mono<Void> release(String key) {
				return Mono.error(new IllegalStateException("connection refused"));
			}

		};
		StepVerifier
			.create(new IdempotentPushes(this.pushes, "k", down, WINDOW, true).push(PushTarget.user("u"), "e", "1"))
			.verifyErrorSatisfies((error) -> assertThat(error).isInstanceOf(NodeOverloadedException.class)
				.hasMessageNotContaining("connection refused"));
		assertThat(this.pushes.issued).hasValue(0);
	}

	@Test
	void keysAreOneTo255PrintableAsciiCharacters() {
		assertThatExceptionOfType(PushRejectedException.class).isThrownBy(() -> once(""));
		assertThatExceptionOfType(PushRejectedException.class).isThrownBy(() -> once("has space"));
		assertThatExceptionOfType(PushRejectedException.class).isThrownBy(() -> once("é"));
		assertThatExceptionOfType(PushRejectedException.class).isThrownBy(() -> once("k".repeat(256)));
		assertThat(once("k".repeat(255))).isNotNull();
	}

	private IdempotentPushes once(String key) {
		return new IdempotentPushes(this.pushes, key, this.store, WINDOW, true);
	}

	static final class CountingPushes implements PushOperations {

		final AtomicInteger issued = new AtomicInteger();

		volatile boolean fail;

		@Override
		public Mono<PushResult> push(PushTarget target, String event, Object payload) {
			return Mono.defer(() -> {
				if (this.fail) {
					this.issued.incrementAndGet();
					return Mono.error(new IllegalStateException("bus down"));
				}
				return Mono.just(new PushResult(String.valueOf(this.issued.incrementAndGet()), 1));
			});
		}

		@Override
		public Mono<AckResult> pushWithAck(PushTarget target, String event, Object payload, Duration timeout,
				@Nullable String messageId) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Mono<Void> disconnect(PushTarget target, int code, String reason) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Mono<Void> reply(long socketId, String messageId, Object payload) {
			throw new UnsupportedOperationException();
		}

	}

}
