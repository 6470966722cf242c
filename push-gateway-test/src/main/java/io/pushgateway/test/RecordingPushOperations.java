package io.pushgateway.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.pushgateway.core.AckResult;
import io.pushgateway.core.DisconnectCodes;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushTarget;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A {@link PushOperations} for unit tests of code that pushes: it records every push and
 * reply instead of delivering them, and answers as a gateway with nobody connected would
 * (no local deliveries, no acknowledgements).
 *
 * <pre class="code">
 * RecordingPushOperations push = new RecordingPushOperations();
 * new Notifications(push).orderShipped("alice", "o-1").block();
 * assertThat(push.pushes()).containsExactly(
 * 		new RecordedPush(PushTarget.user("alice"), "order.shipped", Map.of("order", "o-1"), false, false));
 * </pre>
 *
 * @author Push Gateway team
 */
public class RecordingPushOperations implements PushOperations {

	private final List<RecordedPush> pushes = new CopyOnWriteArrayList<>();

	private final List<RecordedReply> replies = new CopyOnWriteArrayList<>();

	private final List<RecordedDisconnect> disconnects = new CopyOnWriteArrayList<>();

	private final AtomicLong ids = new AtomicLong();

	@Override
	public Mono<PushResult> push(PushTarget target, String event, Object payload) {
		return Mono.fromSupplier(() -> record(target, event, payload, false, false)).map((id) -> new PushResult(id, 0));
	}

	@Override
	public Mono<PushResult> pushRecoverable(PushTarget target, String event, Object payload) {
		return Mono.fromSupplier(() -> record(target, event, payload, true, false)).map((id) -> new PushResult(id, 0));
	}

	@Override
	public Mono<AckResult> pushWithAck(PushTarget target, String event, Object payload, Duration timeout,
			@Nullable String messageId) {
		return Mono.fromSupplier(() -> {
			String id = record(target, event, payload, false, true);
			return new AckResult((messageId != null) ? messageId : id, 0, List.of());
		});
	}

	@Override
	public Mono<Void> reply(long socketId, String messageId, Object payload) {
		return Mono.fromRunnable(() -> this.replies.add(new RecordedReply(socketId, messageId, payload)));
	}

	@Override
	public Mono<Void> disconnect(PushTarget target, int code, String reason) {
		return Mono.fromRunnable(() -> {
			DisconnectCodes.check(code, reason);
			this.disconnects.add(new RecordedDisconnect(target, code, reason));
		});
	}

	private String record(PushTarget target, String event, Object payload, boolean recoverable, boolean ack) {
		this.pushes.add(new RecordedPush(target, event, payload, recoverable, ack));
		return Long.toString(this.ids.incrementAndGet());
	}

	/**
	 * The pushes so far, in order.
	 * @return the pushes
	 */
	public List<RecordedPush> pushes() {
		return List.copyOf(this.pushes);
	}

	/**
	 * The pushes of one event so far, in order.
	 * @param event the event name
	 * @return the pushes
	 */
	public List<RecordedPush> pushes(String event) {
		return this.pushes.stream().filter((push) -> push.event().equals(event)).toList();
	}

	/**
	 * The replies so far, in order.
	 * @return the replies
	 */
	public List<RecordedReply> replies() {
		return List.copyOf(this.replies);
	}

	/**
	 * The disconnects so far, in order (checked as the gateway checks them).
	 * @return the disconnects
	 */
	public List<RecordedDisconnect> disconnects() {
		return List.copyOf(this.disconnects);
	}

	/** Forget everything recorded. */
	public void clear() {
		this.pushes.clear();
		this.replies.clear();
		this.disconnects.clear();
	}

	/**
	 * A push that was asked for.
	 *
	 * @param target who it was for
	 * @param event the event name
	 * @param payload the payload object, as given
	 * @param recoverable whether it was to be kept for recovery
	 * @param ack whether acknowledgements were asked for
	 */
	public record RecordedPush(PushTarget target, String event, Object payload, boolean recoverable, boolean ack) {
	}

	/**
	 * A reply that was asked for.
	 *
	 * @param socketId the socket the reply was for
	 * @param messageId the client message it answers
	 * @param payload the payload object, as given
	 */
	public record RecordedReply(long socketId, String messageId, Object payload) {
	}

	/**
	 * A disconnect that was asked for.
	 *
	 * @param target whose connections
	 * @param code the close code
	 * @param reason the close reason
	 */
	public record RecordedDisconnect(PushTarget target, int code, String reason) {
	}

}
