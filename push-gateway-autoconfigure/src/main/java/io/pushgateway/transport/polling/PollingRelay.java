package io.pushgateway.transport.polling;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Long-polling and Server-Sent Events without sticky sessions: requests for a session
 * another node holds are relayed to it over the cluster bus, addressed to that node, and
 * its answers to polls come back the same way. Each transport relays on its own channel.
 * Bounded: at most {@code polling.max-relayed-polls} polls wait for an answer at once,
 * each for the hold time plus the relay timeout.
 *
 * @author Push Gateway team
 */
public final class PollingRelay {

	private static final Log logger = LogFactory.getLog(PollingRelay.class);

	private final Duration relayTimeout;

	private final int maxRelayedPolls;

	private final ClusterBus bus;

	private final SnowflakeIdGenerator ids;

	private final String nodeId;

	private final long holdMillis;

	private final String channel;

	private final Function<PollingHandle, @Nullable RelayTarget> sessions;

	private final ConcurrentHashMap<Long, MonoSink<Batch>> relayed = new ConcurrentHashMap<>();

	private final AtomicInteger relayedCount = new AtomicInteger();

	/**
	 * Create the relay of one transport.
	 * @param channel the transport's relay channel
	 * @param relayTimeout how long a relayed poll waits for its answer beyond the hold
	 * @param maxRelayedPolls how many relayed polls may wait at once
	 * @param bus the cluster bus
	 * @param ids the ID generator
	 * @param nodeId this node's ID
	 * @param holdMillis how long a poll may wait for frames
	 * @param sessions finds a session this node holds by its handle
	 */
	public PollingRelay(String channel, Duration relayTimeout, int maxRelayedPolls, ClusterBus bus,
			SnowflakeIdGenerator ids, String nodeId, long holdMillis,
			Function<PollingHandle, @Nullable RelayTarget> sessions) {
		this.channel = channel;
		this.relayTimeout = relayTimeout;
		this.maxRelayedPolls = maxRelayedPolls;
		this.bus = bus;
		this.ids = ids;
		this.nodeId = nodeId;
		this.holdMillis = holdMillis;
		this.sessions = sessions;
	}

	/**
	 * Forward a send or a close to the node holding the session.
	 * @param handle the session's handle
	 * @param op what to do
	 * @param frame the frame for a send
	 * @param response answered {@code 204} once the bus took it, {@code 503} otherwise
	 * @return completes when answered
	 */
	public Mono<Void> forward(PollingHandle handle, RelayedPolling.Op op, byte[] frame, HttpServerResponse response) {
		return forward(handle, op, frame).then(Mono.defer(() -> response.status(204).send().then()))
			.onErrorResume((ex) -> PollingResponses.text(response, 503, "cannot reach the session's node; retry"));
	}

	/**
	 * Forward a send or a close to the node holding the session.
	 * @param handle the session's handle
	 * @param op what to do
	 * @param frame the frame for a send
	 * @return completes once the bus took it, or fails
	 */
	public Mono<Void> forward(PollingHandle handle, RelayedPolling.Op op, byte[] frame) {
		return publish(handle, new RelayedPolling.Request(handle.socketId(), handle.secret(), op, 0, 0, frame));
	}

	/**
	 * Relay a poll to the node holding the session and wait for its batch, bounded by
	 * {@code polling.max-relayed-polls} and the relay timeout.
	 * @param handle the session's handle
	 * @param ack the last batch the client received
	 * @return the batch, or an error batch ({@code 503}, {@code 504})
	 */
	public Mono<Batch> poll(PollingHandle handle, long ack) {
		if (this.relayedCount.incrementAndGet() > this.maxRelayedPolls) {
			this.relayedCount.decrementAndGet();
			return Mono.just(Batch.error(503, "too many relayed polls on this node; retry"));
		}
		long requestId = this.ids.nextId();
		return Mono.<Batch>create((sink) -> {
			this.relayed.put(requestId, sink);
			publish(handle,
					new RelayedPolling.Request(handle.socketId(), handle.secret(), RelayedPolling.Op.POLL, ack,
							requestId, new byte[0]))
				.subscribe(null, (ex) -> sink.success(Batch.error(503, "cannot reach the session's node; retry")));
		})
			.timeout(Duration.ofMillis(this.holdMillis).plus(this.relayTimeout))
			.onErrorResume(TimeoutException.class,
					(ex) -> Mono.just(Batch.error(504, "the session's node did not answer; retry")))
			.doFinally((signal) -> {
				this.relayed.remove(requestId);
				this.relayedCount.decrementAndGet();
			});
	}

	// requests for one session share a key, so its sends arrive in order
	private Mono<Void> publish(PollingHandle handle, RelayedPolling.Request request) {
		return this.bus.publish(
				new ClusterMessage.Relay(handle.node(), this.channel, "socket:" + handle.socketId(), request.encode()),
				Set.of(handle.node()));
	}

	/**
	 * A long-polling relay addressed to this node arrived: a request for a session this
	 * node holds, or the answer to a poll this node relayed. A body that is not a
	 * long-polling message is dropped.
	 * @param relay the relay
	 */
	public void onRelay(ClusterMessage.Relay relay) {
		RelayedPolling message;
		try {
			message = RelayedPolling.decode(relay.body());
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Dropped a long-polling relay from node " + relay.origin() + ": " + ex.getMessage());
			return;
		}
		if (message instanceof RelayedPolling.Answer answer) {
			MonoSink<Batch> sink = this.relayed.remove(answer.requestId());
			if (sink != null) {
				sink.success(new Batch(answer.status(), answer.seq(), answer.body(), answer.closeCode(),
						answer.closeReason()));
			}
		}
		else if (message instanceof RelayedPolling.Request request) {
			onRequest(request, relay.origin());
		}
	}

	private void onRequest(RelayedPolling.Request request, @Nullable String origin) {
		RelayTarget session = this.sessions.apply(new PollingHandle(request.socketId(), request.secret(), this.nodeId));
		switch (request.op()) {
			case POLL -> {
				if (session != null) {
					session.poll(request.ack(), (batch) -> answer(request, origin, batch));
				}
				else {
					answer(request, origin, Batch.error(404, "unknown session"));
				}
			}
			case SEND -> {
				if (session != null) {
					session.send(request.frame());
				}
			}
			case CLOSE -> {
				if (session != null) {
					session.close();
				}
			}
		}
	}

	private void answer(RelayedPolling.Request request, @Nullable String origin, Batch batch) {
		if (origin == null) {
			return;
		}
		RelayedPolling.Answer answer = new RelayedPolling.Answer(request.requestId(), batch.status(), batch.seq(),
				batch.closeCode(), batch.closeReason(), batch.body());
		this.bus
			.publish(new ClusterMessage.Relay(origin, this.channel, "poll:" + request.requestId(), answer.encode()),
					Set.of(origin))
			.subscribe(null,
					(ex) -> logger.debug("Could not answer a relayed poll of socket " + request.socketId(), ex));
	}

}
