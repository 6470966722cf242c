package io.pushgateway.hub;

import java.time.Duration;
import java.util.function.Function;

import io.pushgateway.core.AckResult;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushTarget;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The pushes of {@link PushOperations#immediately()}: issued when subscribed, even inside
 * a transaction.
 *
 * @author Push Gateway team
 */
final class ImmediatePushes implements PushOperations {

	private final PushOperations pushes;

	private final Function<PushOperations, Function<String, PushOperations>> idempotent;

	/**
	 * The immediate pushes of a template.
	 * @param pushes the template
	 * @param idempotent the template's idempotent pushes through given operations, by
	 * key, never waiting for a transaction
	 */
	ImmediatePushes(PushOperations pushes, Function<PushOperations, Function<String, PushOperations>> idempotent) {
		this.pushes = pushes;
		this.idempotent = idempotent;
	}

	private static Context immediate(Context context) {
		return context.put(TransactionHold.KEY, TransactionHold.IMMEDIATE);
	}

	@Override
	public Mono<PushResult> push(PushTarget target, String event, Object payload) {
		return this.pushes.push(target, event, payload).contextWrite(ImmediatePushes::immediate);
	}

	@Override
	public Mono<PushResult> pushRecoverable(PushTarget target, String event, Object payload) {
		return this.pushes.pushRecoverable(target, event, payload).contextWrite(ImmediatePushes::immediate);
	}

	@Override
	public Mono<PushResult> pushWithFallback(PushTarget target, String event, Object payload) {
		return this.pushes.pushWithFallback(target, event, payload).contextWrite(ImmediatePushes::immediate);
	}

	@Override
	public Mono<AckResult> pushWithAck(PushTarget target, String event, Object payload, Duration timeout,
			@Nullable String messageId) {
		return this.pushes.pushWithAck(target, event, payload, timeout, messageId)
			.contextWrite(ImmediatePushes::immediate);
	}

	@Override
	public Mono<AckResult> pushWithAckAndFallback(PushTarget target, String event, Object payload, Duration timeout) {
		return this.pushes.pushWithAckAndFallback(target, event, payload, timeout)
			.contextWrite(ImmediatePushes::immediate);
	}

	@Override
	public Mono<Void> reply(long socketId, String messageId, Object payload) {
		return this.pushes.reply(socketId, messageId, payload);
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
	public PushOperations once(String idempotencyKey) {
		return this.idempotent.apply(this).apply(idempotencyKey);
	}

	@Override
	public PushOperations immediately() {
		return this;
	}

}
