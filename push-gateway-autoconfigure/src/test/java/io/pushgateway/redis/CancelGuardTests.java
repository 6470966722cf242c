package io.pushgateway.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.test.StepVerifier;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.ReactiveRedisClusterConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.serializer.RedisSerializationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link CancelGuard} and {@link GuardedRedisTemplate}: a command whose
 * {@code cancel()} throws (as Lettuce's command observation does for a command rejected
 * during a failover) must not keep a timeout from firing.
 *
 * @author Push Gateway team
 */
class CancelGuardTests {

	@Test
	void aTimeoutFiresThoughCancellingTheCommandThrows() {
		ThrowingOnCancel command = new ThrowingOnCancel();
		StepVerifier.create(Mono.from(CancelGuard.guard(command)).timeout(Duration.ofMillis(50)))
			.expectError(TimeoutException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(command.cancels).hasValue(1);
	}

	@Test
	void withoutTheGuardTheCancelExceptionEscapes() {
		// the premise: Reactor's operators let a throwing cancel() out, so whatever
		// cancels (a timeout, a flatMap after an error) never gets to its own signal
		ThrowingOnCancel command = new ThrowingOnCancel();
		Subscription[] subscription = new Subscription[1];
		Flux.from(command).subscribe(new Subscriber<>() {

			@Override
			public void onSubscribe(Subscription s) {
				subscription[0] = s;
			}

			@Override
			public void onNext(String value) {
			}

			@Override
			public void onError(Throwable error) {
			}

			@Override
			public void onComplete() {
			}

		});
		assertThatIllegalArgumentException().isThrownBy(() -> subscription[0].cancel());
	}

	@Test
	void elementsAndCompletionPassThrough() {
		StepVerifier.create(CancelGuard.guard(Flux.just("a", "b"))).expectNext("a", "b").verifyComplete();
		assertThat(CancelGuard.guard(Mono.just("one"))).isInstanceOf(Mono.class);
		StepVerifier.create(CancelGuard.guard(Mono.error(new IllegalStateException("boom"))))
			.expectErrorMessage("boom")
			.verify();
	}

	@Test
	void anErrorAfterTheSubscriberWentAwayIsNotReportedAsDropped() {
		// Reactor's default hook logs a dropped error at ERROR; the guard's chain logs it
		// at DEBUG instead
		List<Throwable> reported = new CopyOnWriteArrayList<>();
		Hooks.onErrorDropped(reported::add);
		try {
			Publisher<String> failsTwice = (subscriber) -> {
				subscriber.onSubscribe(Operators.emptySubscription());
				subscriber.onError(new IllegalStateException("first"));
				subscriber.onError(new IllegalStateException("late"));
			};
			StepVerifier.create(CancelGuard.guard(Flux.from(failsTwice).map((value) -> value)))
				.expectErrorMessage("first")
				.verify(Duration.ofSeconds(5));
			assertThat(reported).isEmpty();
			// the premise: without the guard the late error reaches the global hook
			StepVerifier.create(Flux.from(failsTwice).map((value) -> value))
				.expectErrorMessage("first")
				.verify(Duration.ofSeconds(5));
			assertThat(reported).extracting(Throwable::getMessage).containsExactly("late");
		}
		finally {
			Hooks.resetOnErrorDropped();
		}
	}

	@Test
	void theTemplateGuardsEveryCommandsResult() {
		GuardedRedisTemplate<String, String> template = new GuardedRedisTemplate<>(new UnusedConnectionFactory(),
				RedisSerializationContext.string());
		ThrowingOnCancel command = new ThrowingOnCancel();
		// the hook every command's result passes through; it does not look at the
		// connection
		Publisher<String> guarded = template.postProcessResult(command, null, false);
		StepVerifier.create(Mono.from(guarded).timeout(Duration.ofMillis(50)))
			.expectError(TimeoutException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(command.cancels).hasValue(1);
	}

	/** The template under test runs no command. */
	static final class UnusedConnectionFactory implements ReactiveRedisConnectionFactory {

		@Override
		public ReactiveRedisConnection getReactiveConnection() {
			throw new UnsupportedOperationException();
		}

		@Override
		public ReactiveRedisClusterConnection getReactiveClusterConnection() {
			throw new UnsupportedOperationException();
		}

		@Override
		public DataAccessException translateExceptionIfPossible(RuntimeException ex) {
			return null;
		}

	}

	/** A command that never answers and throws when cancelled. */
	static final class ThrowingOnCancel implements Publisher<String> {

		final AtomicInteger cancels = new AtomicInteger();

		@Override
		public void subscribe(Subscriber<? super String> subscriber) {
			subscriber.onSubscribe(new Subscription() {

				@Override
				public void request(long n) {
				}

				@Override
				public void cancel() {
					ThrowingOnCancel.this.cancels.incrementAndGet();
					throw new IllegalArgumentException(
							"Context does not have an entry for key [class io.micrometer.core.instrument.Timer$Sample]");
				}

			});
		}

	}

}
