package io.pushgateway.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

import io.pushgateway.core.PushRejectedException;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Collects client acknowledgements of pushes that asked for them, across the cluster. The
 * node that issued a push waits for its timeout and then reports which sockets
 * acknowledged it; a node that delivered another node's push forwards each
 * acknowledgement to the issuing node over the bus. Both tables are bounded and their
 * entries expire with the timeout.
 *
 * @author Push Gateway team
 */
public class AckTracker {

	private static final Log logger = LogFactory.getLog(AckTracker.class);

	private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<Long, String> origins = new ConcurrentHashMap<>();

	private final AtomicInteger originCount = new AtomicInteger();

	private final ClusterBus bus;

	private final int maxPending;

	private final Duration maxTimeout;

	private final LongConsumer roundTrips;

	/**
	 * Create a tracker that reports round trips.
	 * @param bus forwards acknowledgements to the node that issued the push
	 * @param maxPending the most pushes awaiting acknowledgements at once
	 * @param maxTimeout the longest acknowledgement timeout
	 * @param roundTrips receives, for each acknowledgement that reaches the issuing node,
	 * the nanoseconds since the push was issued
	 */
	public AckTracker(ClusterBus bus, int maxPending, Duration maxTimeout, LongConsumer roundTrips) {
		this.roundTrips = roundTrips;
		this.bus = bus;
		this.maxPending = maxPending;
		this.maxTimeout = maxTimeout;
	}

	/**
	 * Start waiting for acknowledgements of a push this node issues; call before
	 * delivering it.
	 * @param messageId the push's message ID
	 * @param timeout how long to wait
	 * @return the sockets that acknowledged, once the timeout passed
	 * @throws PushRejectedException when too many pushes await acknowledgements or the
	 * timeout is out of range
	 */
	public Mono<List<Long>> expect(long messageId, Duration timeout) {
		if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(this.maxTimeout) > 0) {
			throw new PushRejectedException("ack timeout must be positive and at most " + this.maxTimeout);
		}
		if (this.pending.size() >= this.maxPending) {
			throw new PushRejectedException(this.maxPending + " pushes already await acknowledgements");
		}
		Pending entry = new Pending();
		Pending previous = this.pending.putIfAbsent(messageId, entry);
		Pending waiting = (previous != null) ? previous : entry;
		// the entry expires on its own, even if nobody subscribes to the result (for
		// example
		// because publishing the push failed)
		Sinks.One<List<Long>> result = Sinks.one();
		Mono.delay(timeout, Schedulers.parallel()).subscribe((tick) -> {
			this.pending.remove(messageId, waiting);
			result.tryEmitValue(waiting.snapshot());
		});
		return result.asMono();
	}

	/**
	 * Remember which node issued a push delivered here, so its acknowledgements can be
	 * sent there.
	 * @param messageId the push's message ID
	 * @param origin the issuing node
	 */
	public void delivering(long messageId, String origin) {
		if (this.originCount.incrementAndGet() > this.maxPending) {
			this.originCount.decrementAndGet();
			logger.debug("Too many foreign pushes await acknowledgements; acks of " + messageId + " will be lost");
			return;
		}
		if (this.origins.put(messageId, origin) != null) {
			this.originCount.decrementAndGet();
			return;
		}
		Mono.delay(this.maxTimeout, Schedulers.parallel()).subscribe((tick) -> {
			if (this.origins.remove(messageId) != null) {
				this.originCount.decrementAndGet();
			}
		});
	}

	/**
	 * A socket acknowledged a push: record it here, or forward it to the issuing node.
	 * @param messageId the push's message ID
	 * @param socketId the socket
	 * @return whether the push was known
	 */
	public boolean acknowledged(long messageId, long socketId) {
		Pending entry = this.pending.get(messageId);
		if (entry != null) {
			if (entry.add(socketId)) {
				this.roundTrips.accept(System.nanoTime() - entry.issuedAt);
			}
			return true;
		}
		String origin = this.origins.get(messageId);
		if (origin == null) {
			return false;
		}
		this.bus.publish(new ClusterMessage.Acked(messageId, socketId), Set.of(origin))
			.subscribe(null, (error) -> logger.debug("Could not forward ack of " + messageId + ": " + error));
		return true;
	}

	/**
	 * An acknowledgement forwarded by another node.
	 * @param acked the acknowledgement
	 */
	public void acknowledgedElsewhere(ClusterMessage.Acked acked) {
		Pending entry = this.pending.get(acked.messageId());
		if (entry != null && entry.add(acked.socketId())) {
			this.roundTrips.accept(System.nanoTime() - entry.issuedAt);
		}
	}

	@Override
	public String toString() {
		return "AckTracker[pending=" + this.pending.size() + ", foreign=" + this.originCount.get() + "]";
	}

	/** The sockets that acknowledged one push, in arrival order, each once. */
	private static final class Pending {

		private final long issuedAt = System.nanoTime();

		private final Set<Long> seen = ConcurrentHashMap.newKeySet();

		private final List<Long> order = Collections.synchronizedList(new ArrayList<>());

		/* Whether the socket is new here; its round trip is reported then. */
		boolean add(long socketId) {
			if (this.seen.add(socketId)) {
				this.order.add(socketId);
				return true;
			}
			return false;
		}

		List<Long> snapshot() {
			synchronized (this.order) {
				return List.copyOf(this.order);
			}
		}

	}

}
