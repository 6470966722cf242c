package io.pushgateway.hub;

import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.pushgateway.core.AckResult;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.UndeliveredListener;
import io.pushgateway.core.UndeliveredPush;
import io.pushgateway.core.UndeliveredPush.Reason;
import io.pushgateway.metrics.GatewayMetrics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Decides, on the node that issued a push, whether a push that asked for a fallback
 * reached nobody, and hands each such push to the {@link UndeliveredListener} beans (the
 * application's, the undelivered Kafka topic's publisher). Only the issuing node decides,
 * so each undelivered push is reported once cluster-wide: a user is offline when the
 * shared registry knows no connection of theirs, a push is unacknowledged when its
 * acknowledgement timeout passed without one. Listeners run on a worker behind a bounded
 * queue ({@code push.gateway.undelivered.max-queued}).
 *
 * @author Push Gateway team
 */
public final class UndeliveredPushes {

	private static final Log logger = LogFactory.getLog(UndeliveredPushes.class);

	private final PresenceOperations presence;

	private final Clock clock;

	private final boolean allPushes;

	private final GatewayMetrics metrics;

	private final ListenerQueue<UndeliveredPush> queue;

	/**
	 * Create the reporter.
	 * @param presence where a user's connections are looked up
	 * @param clock stamps the reports
	 * @param allPushes whether every push asks for a fallback
	 * @param listeners finds the listeners when the first report is made
	 * @param maxQueued the most reports waiting for the listeners
	 * @param metrics counts reports by reason and drops
	 */
	public UndeliveredPushes(PresenceOperations presence, Clock clock, boolean allPushes,
			Supplier<List<UndeliveredListener>> listeners, int maxQueued, GatewayMetrics metrics) {
		this.presence = presence;
		this.clock = clock;
		this.allPushes = allPushes;
		this.metrics = metrics;
		this.queue = new ListenerQueue<>("undelivered pushes (push.gateway.undelivered.max-queued)",
				() -> listeners.get()
					.stream()
					.<Consumer<UndeliveredPush>>map((listener) -> listener::onUndelivered)
					.toList(),
				maxQueued, () -> metrics.undeliveredDropped("queue_full"), Schedulers.boundedElastic());
	}

	/**
	 * Whether every push asks for a fallback
	 * ({@code push.gateway.undelivered.all-pushes}).
	 * @return {@code true} if so
	 */
	public boolean allPushes() {
		return this.allPushes;
	}

	/**
	 * Report the users of a push who have no connection anywhere. Never fails: when the
	 * registry cannot answer, nothing is reported and the miss is counted.
	 * @param push the push, already delivered and published
	 * @param localDeliveries how many connections of this node it reached (a push to one
	 * user that reached one here needs no lookup)
	 * @return completes when every user was looked up and the offline ones reported
	 */
	Mono<Void> checkOffline(Push push, int localDeliveries) {
		List<String> uids;
		if (push.target() instanceof PushTarget.User user) {
			if (localDeliveries > 0) {
				return Mono.empty();
			}
			uids = List.of(user.uid());
		}
		else if (push.target() instanceof PushTarget.Users users) {
			uids = users.uids();
		}
		else {
			return Mono.empty();
		}
		return Flux.fromIterable(uids)
			.flatMap((uid) -> this.presence.isOnline(uid)
				.filter((online) -> !online)
				.doOnNext((offline) -> report(push, PushTarget.user(uid), Reason.OFFLINE))
				.onErrorResume((error) -> {
					this.metrics.undeliveredDropped("check_failed");
					logger.debug("Could not tell whether " + uid + " is online; push " + push.messageId()
							+ " not reported as undelivered: " + error);
					return Mono.empty();
				}))
			.then();
	}

	/**
	 * Report a push nobody acknowledged, once per user for a push to several users.
	 * @param push the push
	 * @param result its acknowledgements, after the timeout
	 */
	void checkAcknowledged(Push push, AckResult result) {
		if (!result.acknowledged().isEmpty()) {
			return;
		}
		if (push.target() instanceof PushTarget.Users users) {
			users.uids().forEach((uid) -> report(push, PushTarget.user(uid), Reason.UNACKNOWLEDGED));
		}
		else {
			report(push, push.target(), Reason.UNACKNOWLEDGED);
		}
	}

	private void report(Push push, PushTarget target, Reason reason) {
		UndeliveredPush undelivered = new UndeliveredPush(Long.toString(push.messageId()), target, push.event(),
				push.payload(), reason, this.clock.instant());
		if (this.queue.offer(undelivered)) {
			this.metrics.undelivered(reason.tag());
		}
	}

	/**
	 * How many reports were dropped because the listeners lagged.
	 * @return the count
	 */
	public long dropped() {
		return this.queue.dropped();
	}

}
