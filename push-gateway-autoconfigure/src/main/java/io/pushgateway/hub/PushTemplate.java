package io.pushgateway.hub;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.AckResult;
import io.pushgateway.core.DisconnectCodes;
import io.pushgateway.core.NodeOverloadedException;
import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadEncoder;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushRules;
import io.pushgateway.core.PushTarget;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.spi.ClusterMessage;
import io.pushgateway.spi.IdempotencyStore;
import io.pushgateway.spi.PushStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The default {@link PushOperations}: gives each push a Snowflake message ID, delivers it
 * to this node's connections (encoding the frame once however many recipients), and
 * publishes it on the cluster bus for the other nodes.
 *
 * @author Push Gateway team
 */
public class PushTemplate implements PushOperations {

	/** The longest event name. */
	public static final int MAX_EVENT_LENGTH = PushRules.MAX_EVENT_LENGTH;

	private static final Log logger = LogFactory.getLog(PushTemplate.class);

	private final GatewayMetrics metrics;

	private final SnowflakeIdGenerator ids;

	private final FanOut fanOut;

	private final ClusterPublisher cluster;

	private final LocalHub hub;

	private final AckTracker acks;

	/** Where recoverable pushes are kept; {@code null} without recovery. */
	private final @Nullable PushStore store;

	/** Whether every push to a user or a GUID is recoverable. */
	private final boolean recoverAll;

	private final PayloadEncoder encoder;

	private final PushRules rules;

	private final PushObservations observations;

	/**
	 * Reports pushes that asked for a fallback and reached nobody; {@code null}: none.
	 */
	private final @Nullable UndeliveredPushes undelivered;

	/** Where idempotency keys are claimed; {@code null}: {@link #once} is unsupported. */
	private final @Nullable IdempotencyStore idempotency;

	private final Duration idempotencyWindow;

	/** Whether pushes issued inside a transaction wait for its commit. */
	private final boolean transactionBound;

	/**
	 * Create a template.
	 * @param delivery where its pushes go
	 * @param ids message IDs
	 * @param encoder encodes payload objects
	 * @param store where recoverable pushes are kept, or {@code null} without recovery
	 * @param idempotency where the keys of {@link #once(String)} are claimed, or
	 * {@code null} to refuse idempotent pushes
	 * @param settings its limits and defaults
	 * @param observations observes each push
	 */
	public PushTemplate(Delivery delivery, SnowflakeIdGenerator ids, PayloadEncoder encoder, @Nullable PushStore store,
			@Nullable IdempotencyStore idempotency, Settings settings, PushObservations observations) {
		this.hub = delivery.hub();
		this.fanOut = delivery.fanOut();
		this.cluster = delivery.cluster();
		this.acks = delivery.acks();
		this.undelivered = delivery.undelivered();
		this.metrics = delivery.metrics();
		this.ids = ids;
		this.encoder = encoder;
		this.store = store;
		this.idempotency = idempotency;
		this.rules = new PushRules(settings.maxPayloadSize());
		this.recoverAll = settings.recoverAll();
		this.idempotencyWindow = settings.idempotencyWindow();
		this.transactionBound = settings.transactionBound();
		this.observations = observations;
	}

	@Override
	public PushOperations once(String idempotencyKey) {
		return once(idempotencyKey, this, this.transactionBound);
	}

	PushOperations once(String idempotencyKey, PushOperations pushes, boolean bound) {
		IdempotencyStore store = this.idempotency;
		if (store == null) {
			throw new UnsupportedOperationException("idempotent pushes need an IdempotencyStore");
		}
		return new IdempotentPushes(pushes, idempotencyKey, store, this.idempotencyWindow, bound);
	}

	@Override
	public PushOperations immediately() {
		return new ImmediatePushes(this, (immediate) -> (key) -> once(key, immediate, false));
	}

	@Override
	public Mono<PushResult> push(PushTarget target, String event, Object payload) {
		return push(target, event, payload, this.recoverAll, allFallBack());
	}

	@Override
	public Mono<PushResult> pushRecoverable(PushTarget target, String event, Object payload) {
		return push(target, event, payload, true, allFallBack());
	}

	@Override
	public Mono<PushResult> pushWithFallback(PushTarget target, String event, Object payload) {
		return push(target, event, payload, this.recoverAll, this.undelivered != null);
	}

	private boolean allFallBack() {
		return this.undelivered != null && this.undelivered.allPushes();
	}

	private Mono<PushResult> push(PushTarget target, String event, Object payload, boolean recoverable,
			boolean fallback) {
		// the observation current where the push is asked for (an HTTP request, a
		// handler) is the parent of the push's
		Observation captured = this.observations.current();
		return Mono.deferContextual((context) -> {
			Observation parent = this.observations.parent(context, captured);
			TransactionHold hold = TransactionHold.of(context, this.transactionBound);
			if (hold == null) {
				return issue(parent, target,
						() -> new Push(this.ids.nextId(), target, validEvent(event), validPayload(toPayload(payload))),
						recoverable, fallback);
			}
			// refused now, inside the transaction, if it is not valid; sent after the
			// commit
			Push held = new Push(this.ids.nextId(), target, validEvent(event), validPayload(toPayload(payload)));
			hold.afterCommit(() -> Mono.defer(() -> issue(parent, target, () -> held, recoverable, fallback))
				.subscribe(null, (error) -> {
					logger.warn(
							"Push " + held.messageId() + " held for its transaction's commit was not issued: " + error);
					hold.notSent();
				}));
			return Mono.just(new PushResult(Long.toString(held.messageId()), 0));
		});
	}

	private Mono<PushResult> issue(@Nullable Observation parent, PushTarget target, Supplier<Push> pushes,
			boolean recoverable, boolean fallback) {
		return this.observations.push(parent, target, () -> {
			refuseWhenBusy();
			Push push = pushes.get();
			String stream = recoverable ? push.stream() : null;
			if (stream == null) {
				return deliver(push, fallback);
			}
			if (this.store == null) {
				return Mono.error(new PushRejectedException("recovery is not enabled (push.gateway.recovery.enabled)"));
			}
			return this.store.append(stream, push).onErrorMap((error) -> {
				// the store's words (Redis's) are for the log
				if (logger.isDebugEnabled()) {
					logger.debug("Recoverable push not stored: " + error);
				}
				return new PushRejectedException("recovery store unavailable");
			}).flatMap((position) -> deliver(push.at(position), fallback));
		});
	}

	/*
	 * A push is refused, before anything is stored or sent, while an event loop of this
	 * node is more than half its bound of pending pushes behind: the caller learns it and
	 * retries, where a push accepted now could have deliveries refused by that loop.
	 */
	private void refuseWhenBusy() {
		if (this.fanOut.saturated()) {
			this.metrics.pushRefused();
			throw new NodeOverloadedException("node busy: its event loops are behind on deliveries; retry later");
		}
	}

	private Mono<PushResult> deliver(Push push, boolean fallback) {
		int delivered = this.fanOut.deliver(push);
		Mono<Void> published = this.cluster.publish(push);
		UndeliveredPushes undelivered = this.undelivered;
		if (fallback && undelivered != null) {
			published = published.then(undelivered.checkOffline(push, delivered));
		}
		return published.thenReturn(new PushResult(Long.toString(push.messageId()), delivered));
	}

	@Override
	public Mono<AckResult> pushWithAck(PushTarget target, String event, Object payload, Duration timeout,
			@Nullable String messageId) {
		return pushWithAck(target, event, payload, timeout, messageId, allFallBack());
	}

	@Override
	public Mono<AckResult> pushWithAckAndFallback(PushTarget target, String event, Object payload, Duration timeout) {
		return pushWithAck(target, event, payload, timeout, null, this.undelivered != null);
	}

	private Mono<AckResult> pushWithAck(PushTarget target, String event, Object payload, Duration timeout,
			@Nullable String messageId, boolean fallback) {
		return Mono.deferContextual((context) -> {
			if (TransactionHold.of(context, this.transactionBound) != null) {
				throw new PushRejectedException("an acknowledged push cannot wait for a transaction's commit: issue it "
						+ "after the commit, or through PushOperations#immediately()");
			}
			refuseWhenBusy();
			long id;
			try {
				id = (messageId != null) ? Long.parseLong(messageId) : this.ids.nextId();
			}
			catch (NumberFormatException ex) {
				throw new PushRejectedException("message ID must be one this gateway issued");
			}
			Push push = new Push(id, target, validEvent(event), validPayload(toPayload(payload)), true);
			Mono<List<Long>> acknowledged = this.acks.expect(id, timeout);
			int delivered = this.fanOut.deliver(push);
			UndeliveredPushes undelivered = this.undelivered;
			return this.cluster.publish(push)
				.then(acknowledged)
				.map((sockets) -> new AckResult(Long.toString(id), delivered, sockets))
				.doOnNext((result) -> {
					if (fallback && undelivered != null) {
						undelivered.checkAcknowledged(push, result);
					}
				});
		});
	}

	@Override
	public Mono<Void> reply(long socketId, String messageId, Object payload) {
		return Mono.defer(() -> {
			Payload reply = validPayload(toPayload(payload));
			PushConnection connection = this.hub.connection(socketId);
			if (connection != null) {
				connection.send(new ServerFrame.Reply(messageId, reply));
				return Mono.empty();
			}
			return this.cluster.publish(new ClusterMessage.Reply(socketId, messageId, reply),
					PushTarget.socket(socketId));
		});
	}

	@Override
	public Mono<Void> disconnect(PushTarget target, int code, String reason) {
		return Mono.defer(() -> {
			DisconnectCodes.check(code, reason);
			LocalDisconnects.close(this.hub, this.metrics, target, code, reason);
			if (target instanceof PushTarget.Socket socket && this.hub.connection(socket.socketId()) != null) {
				return Mono.empty();
			}
			return this.cluster.publish(new ClusterMessage.Disconnect(target, code, reason), target);
		});
	}

	@Override
	public Mono<Void> disconnectCredential(PushTarget target, String credentialId, int code, String reason) {
		return Mono.defer(() -> {
			DisconnectCodes.check(code, reason);
			ClusterMessage.Disconnect disconnect = new ClusterMessage.Disconnect(target, code, reason, credentialId,
					null);
			LocalDisconnects.close(this.hub, this.metrics, disconnect);
			return this.cluster.publish(disconnect, target);
		});
	}

	private Payload toPayload(Object payload) {
		if (payload instanceof Payload ready) {
			// bytes the caller labelled JSON are embedded verbatim in frames, and JSON
			// and
			// text go out in text frames: checked here (for the Java API, the HTTP API
			// and gRPC), as the Kafka path checks its records; the encoder's output is
			// JSON by construction
			return PushRules.wellFormed(ready);
		}
		if (payload instanceof byte[] bytes) {
			return Payload.binary(bytes);
		}
		if (payload instanceof CharSequence text) {
			return Payload.text(text.toString());
		}
		return this.encoder.encode(payload);
	}

	private static String validEvent(String event) {
		return PushRules.event(event);
	}

	private Payload validPayload(Payload payload) {
		return this.rules.size(payload);
	}

	/**
	 * Where a template's pushes go: this node's connections, the other nodes, the
	 * acknowledgements that come back, the report of those that reached nobody, and the
	 * meters of the connections it disconnects.
	 *
	 * @param hub this node's connections
	 * @param fanOut delivers to them
	 * @param cluster publishes to the other nodes
	 * @param acks collects acknowledgements
	 * @param undelivered reports pushes that asked for a fallback and reached nobody, or
	 * {@code null} to push normally
	 * @param metrics counts the connections disconnected
	 */
	public record Delivery(LocalHub hub, FanOut fanOut, ClusterPublisher cluster, AckTracker acks,
			@Nullable UndeliveredPushes undelivered, GatewayMetrics metrics) {
	}

	/**
	 * A template's limits and defaults.
	 *
	 * @param maxPayloadSize the largest payload, in bytes
	 * @param recoverAll whether every push to a user or a GUID is recoverable, not only
	 * those sent with {@link #pushRecoverable}
	 * @param idempotencyWindow how long an idempotency key is remembered
	 * @param transactionBound whether a push issued inside a Spring-managed transaction
	 * waits for its commit
	 */
	public record Settings(int maxPayloadSize, boolean recoverAll, Duration idempotencyWindow,
			boolean transactionBound) {
	}

}
