package io.pushgateway.redis;

import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Keeps an exception thrown by a Redis command's {@link Subscription#cancel()} from
 * reaching the operators downstream.
 * <p>
 * Lettuce's Micrometer command observation (which Spring Boot installs whenever the
 * application has an {@code ObservationRegistry}, so with the actuator) can throw from
 * {@code cancel()} when a command that was never written is cancelled: during a Redis
 * Cluster failover, a command rejected while its node was disconnected and then cancelled
 * by a timeout throws {@code IllegalArgumentException: Context does not have an
 * entry for key Timer$Sample}. Reactor's operators do not expect {@code cancel()} to
 * throw: a {@code timeout} that cancels its source and then signals the timeout never
 * gets to the signal, so the gateway's Redis tasks waited forever, and a node stayed out
 * of the registry after the failover. No library offers a guard for a throwing
 * {@code cancel()} (it breaks the Reactive Streams rules, §3.15), so this one is written
 * here: the cancellation still reaches the command, and what it throws is logged at debug
 * level and dropped.
 *
 * @author Push Gateway team
 */
public final class CancelGuard {

	private static final Log logger = LogFactory.getLog(CancelGuard.class);

	/*
	 * Reactor's context key for a subscriber-local dropped-error hook. A command that
	 * fails after its subscriber went away (its timeout fired first, or a command beside
	 * it failed and cancelled the rest) would be logged by Reactor at ERROR with a stack
	 * trace: dozens of lines per second while a Redis node is down, each one a failure
	 * the gateway already handled through the subscriber that went away.
	 */
	private static final Context DROPPED_ERRORS = Context.of("reactor.onErrorDropped.local",
			(Consumer<Throwable>) (error) -> {
				if (logger.isDebugEnabled()) {
					logger.debug("A Redis command failed after its caller had gone: " + error);
				}
			});

	private CancelGuard() {
	}

	/**
	 * A context for a chain of Redis commands that logs, at debug level, the errors its
	 * commands report after the chain stopped listening (a timeout fired first, or a
	 * sibling failed and cancelled the rest); Reactor would log each at ERROR.
	 * @return the context to write into the chain's subscriber
	 */
	public static Context droppedErrorsAtDebug() {
		return DROPPED_ERRORS;
	}

	/**
	 * Wraps a command's result so that cancelling it never throws, and so that an error
	 * it reports after its subscriber has gone is logged at debug level.
	 * @param <T> the element type
	 * @param source the publisher, a command's result
	 * @return the guarded publisher (a {@code Mono} stays a {@code Mono})
	 */
	public static <T> Publisher<T> guard(Publisher<T> source) {
		Function<? super Publisher<T>, ? extends Publisher<T>> lift = Operators
			.lift((scannable, actual) -> new Guarded<>(actual));
		Publisher<T> guarded = lift.apply(source);
		return (guarded instanceof Mono<T> mono) ? mono.contextWrite(DROPPED_ERRORS)
				: Flux.from(guarded).contextWrite(DROPPED_ERRORS);
	}

	private static final class Guarded<T> implements CoreSubscriber<T>, Subscription {

		private final CoreSubscriber<? super T> actual;

		private Subscription upstream = Operators.emptySubscription();

		Guarded(CoreSubscriber<? super T> actual) {
			this.actual = actual;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.upstream = subscription;
			this.actual.onSubscribe(this);
		}

		@Override
		public void onNext(T element) {
			this.actual.onNext(element);
		}

		@Override
		public void onError(Throwable error) {
			this.actual.onError(error);
		}

		@Override
		public void onComplete() {
			this.actual.onComplete();
		}

		@Override
		public void request(long n) {
			this.upstream.request(n);
		}

		@Override
		public void cancel() {
			try {
				this.upstream.cancel();
			}
			catch (RuntimeException ex) {
				if (logger.isDebugEnabled()) {
					logger.debug("Cancelling a Redis command threw; dropped", ex);
				}
			}
		}

	}

}
