package io.pushgateway.hub;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import io.pushgateway.core.AckResult;
import io.pushgateway.core.NodeOverloadedException;
import io.pushgateway.core.PushInProgressException;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.IdempotencyStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The operations {@link PushOperations#once(String)} returns: each push claims the key in
 * the {@link IdempotencyStore} first; the claimant issues it and records its message ID,
 * anyone else gets that ID without issuing anything.
 *
 * @author Push Gateway team
 */
final class IdempotentPushes implements PushOperations {

	private static final Log logger = LogFactory.getLog(IdempotentPushes.class);

	/** How often a retry looks whether the first push with its key finished. */
	private static final Duration POLL = Duration.ofMillis(50);

	/** How long a retry waits for the first push with its key. */
	private static final int POLLS = 100;

	/**
	 * How long a claim holds until the push is recorded: longer than any push takes, so
	 * that a claim whose node died mid-push, or could not record the push's ID, does not
	 * block retries for the whole window.
	 */
	static final Duration CLAIM_LEASE = Duration.ofSeconds(30);

	private final PushOperations pushes;

	private final String key;

	private final IdempotencyStore store;

	private final Duration window;

	/* whether its pushes wait for the transaction they are issued in */
	private final boolean bound;

	IdempotentPushes(PushOperations pushes, String key, IdempotencyStore store, Duration window, boolean bound) {
		this.pushes = pushes;
		this.key = valid(key);
		this.store = store;
		this.window = window;
		this.bound = bound;
	}

	static String valid(String key) {
		if (key.isEmpty() || key.length() > 255) {
			throw new PushRejectedException("idempotency key must be 1 to 255 characters");
		}
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (c < 0x21 || c > 0x7e) {
				throw new PushRejectedException("idempotency key must be printable ASCII");
			}
		}
		return key;
	}

	@Override
	public Mono<PushResult> push(PushTarget target, String event, Object payload) {
		return once(() -> this.pushes.push(target, event, payload), PushResult::messageId,
				(id) -> new PushResult(id, 0));
	}

	@Override
	public Mono<PushResult> pushRecoverable(PushTarget target, String event, Object payload) {
		return once(() -> this.pushes.pushRecoverable(target, event, payload), PushResult::messageId,
				(id) -> new PushResult(id, 0));
	}

	@Override
	public Mono<PushResult> pushWithFallback(PushTarget target, String event, Object payload) {
		return once(() -> this.pushes.pushWithFallback(target, event, payload), PushResult::messageId,
				(id) -> new PushResult(id, 0));
	}

	@Override
	public Mono<AckResult> pushWithAck(PushTarget target, String event, Object payload, Duration timeout,
			@Nullable String messageId) {
		return once(() -> this.pushes.pushWithAck(target, event, payload, timeout, messageId), AckResult::messageId,
				(id) -> new AckResult(id, 0, List.of()));
	}

	@Override
	public Mono<AckResult> pushWithAckAndFallback(PushTarget target, String event, Object payload, Duration timeout) {
		return once(() -> this.pushes.pushWithAckAndFallback(target, event, payload, timeout), AckResult::messageId,
				(id) -> new AckResult(id, 0, List.of()));
	}

	@Override
	public Mono<Void> disconnect(PushTarget target, int code, String reason) {
		return this.pushes.disconnect(target, code, reason);
	}

	@Override
	public Mono<Void> disconnectCredential(PushTarget target, String credentialId, int code, String reason) {
		return this.pushes.disconnectCredential(target, credentialId, code, reason);
	}

	@Override
	public Mono<Void> reply(long socketId, String messageId, Object payload) {
		return this.pushes.reply(socketId, messageId, payload);
	}

	@Override
	public PushOperations once(String idempotencyKey) {
		throw new UnsupportedOperationException("already idempotent, with key " + this.key);
	}

	@Override
	public PushOperations immediately() {
		return new IdempotentPushes(this.pushes.immediately(), this.key, this.store, this.window, false);
	}

	private <T> Mono<T> once(Supplier<Mono<T>> issue, Function<T, String> messageId, Function<String, T> replay) {
		// the transaction is the caller's thread's: the push itself is issued where the
		// store answers, so it is told which transaction it waits for
		return Mono.deferContextual((context) -> {
			TransactionHold hold = TransactionHold.of(context, this.bound);
			if (hold == null) {
				return once(issue, messageId, replay, null);
			}
			return once(issue, messageId, replay, hold).contextWrite((held) -> held.put(TransactionHold.KEY, hold));
		});
	}

	private <T> Mono<T> once(Supplier<Mono<T>> issue, Function<T, String> messageId, Function<String, T> replay,
			@Nullable TransactionHold hold) {
		Duration lease = (this.window.compareTo(CLAIM_LEASE) < 0) ? this.window : CLAIM_LEASE;
		return this.store.claim(this.key, lease).onErrorMap(this::unavailable).flatMap((claim) -> {
			if (claim.isEmpty()) {
				return Mono.defer(issue)
					.flatMap((result) -> this.store.complete(this.key, messageId.apply(result), this.window)
						.onErrorResume((error) -> {
							// issued: the push stands even if its key could not be kept
							logger
								.warn("Idempotency key of push " + messageId.apply(result) + " not recorded: " + error);
							return Mono.empty();
						})
						.then(Mono.fromRunnable(() -> releaseOnRollback(hold)))
						.thenReturn(result))
					.onErrorResume((error) -> this.store.release(this.key)
						.onErrorResume((ignored) -> Mono.empty())
						.then(Mono.error(error)));
			}
			String first = claim.get();
			if (!first.isEmpty()) {
				return Mono.just(replay.apply(first));
			}
			// the first is being issued: wait for its ID
			return this.store.get(this.key)
				.onErrorMap(this::unavailable)
				.filter((value) -> !value.isEmpty())
				.repeatWhenEmpty((repeats) -> repeats.take(POLLS).delayElements(POLL))
				.switchIfEmpty(Mono.error(() -> new PushInProgressException(
						"a push with this idempotency key is still being issued; retry later")))
				.map(replay);
		});
	}

	/*
	 * A push the rollback drops, or that fails when issued after the commit, leaves its
	 * key free for a retry; registered once the key holds the push's ID, so that a
	 * rollback that came first still releases it.
	 */
	private void releaseOnRollback(@Nullable TransactionHold hold) {
		if (hold != null) {
			hold.ifNotSent(() -> this.store.release(this.key)
				.subscribe(null, (error) -> logger.warn("Idempotency key of a rolled back push not released; a "
						+ "retry within the window is not issued: " + error)));
		}
	}

	private Throwable unavailable(Throwable error) {
		// the store's words (Redis's) are for the log
		if (logger.isDebugEnabled()) {
			logger.debug("Idempotency store failed: " + error);
		}
		return new NodeOverloadedException("idempotency store unavailable; nothing was issued, retry later");
	}

}
