package io.pushgateway.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.core.NodeOverloadedException;
import io.pushgateway.core.Push;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.metrics.GatewayMetrics;
import org.jspecify.annotations.Nullable;
import reactor.util.concurrent.Queues;

/**
 * Delivers a push to the connections of this node: encodes the frame once per codec in
 * use, however many recipients (and, for connections whose transport frames it the same
 * for all, such as WebSocket, builds that frame once per codec too through their
 * {@link PreFraming}), groups the recipients by event loop, and hands each loop one
 * batch. Each loop drains its batches in one task, writes every frame, and flushes each
 * touched connection once, so a burst of pushes costs one flush per connection rather
 * than one per push.
 *
 * <p>
 * The batches waiting for each loop are bounded; when a loop falls that far behind,
 * further pushes are refused with a {@link NodeOverloadedException} rather than queued
 * without bound.
 *
 * @author Push Gateway team
 */
public class FanOut {

	/** How many batches one drain task writes before yielding the loop to I/O. */
	private static final int DRAIN_LIMIT = 256;

	private final LocalHub hub;

	private final ByteBufAllocator allocator;

	private final GatewayMetrics metrics;

	private final int maxPendingBatchesPerLoop;

	private final SlowConsumerPolicies policies;

	private final ConcurrentHashMap<EventExecutor, LoopWriter> writers = new ConcurrentHashMap<>();

	private final @Nullable StreamOrder order;

	/**
	 * Create the fan-out.
	 * @param hub this node's connections
	 * @param allocator allocates the encoded frames
	 * @param metrics counts frames and latency
	 * @param maxPendingBatchesPerLoop the most pushes waiting for one event loop
	 * @param policies what each push does to a connection that reads too slowly
	 * @param order keeps recoverable pushes in position order per connection, or
	 * {@code null} without recovery
	 */
	public FanOut(LocalHub hub, ByteBufAllocator allocator, GatewayMetrics metrics, int maxPendingBatchesPerLoop,
			SlowConsumerPolicies policies, @Nullable StreamOrder order) {
		this.order = order;
		this.policies = policies;
		this.hub = hub;
		this.allocator = allocator;
		this.metrics = metrics;
		this.maxPendingBatchesPerLoop = maxPendingBatchesPerLoop;
		metrics.gauge("push.gateway.fanout.pending",
				"Pushes waiting for an event loop to write them, summed over this node's event loops", this,
				FanOut::pendingBatches);
	}

	/**
	 * Whether some event loop is more than half its bound of pending pushes behind: an
	 * entry point that can refuse work (the gRPC API) refuses new pushes then, before the
	 * loops start refusing deliveries of accepted ones.
	 * @return {@code true} when an event loop is that far behind
	 */
	public boolean saturated() {
		int half = this.maxPendingBatchesPerLoop / 2;
		for (LoopWriter writer : this.writers.values()) {
			if (writer.size.get() > half) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Pushes handed to event loops and not yet written, summed over the loops.
	 * @return the count
	 */
	public int pendingBatches() {
		int pending = 0;
		for (LoopWriter writer : this.writers.values()) {
			pending += writer.size.get();
		}
		return pending;
	}

	/**
	 * Deliver a push to this node's connections; never blocks.
	 * @param push the push
	 * @return how many connections it was handed to
	 * @throws NodeOverloadedException when every event loop that should write it is
	 * overloaded
	 */
	public int deliver(Push push) {
		long start = System.nanoTime();
		Grouping grouping = new Grouping();
		this.hub.forEach(push.target(), grouping);
		if (grouping.count == 0) {
			return 0;
		}
		EncodedFrames frames = grouping.encode(push, this.allocator);
		int delivered = 0;
		try {
			for (Batch batch : grouping.batches) {
				frames.retain();
				batch.frames = frames;
				batch.push = push;
				batch.startNanos = start;
				if (writer(batch.loop).offer(batch)) {
					delivered += batch.targets.size();
				}
				else {
					frames.release();
					this.metrics.pushRejected(batch.targets.size());
				}
			}
		}
		finally {
			frames.release();
		}
		if (delivered == 0) {
			throw new NodeOverloadedException(
					"node overloaded: event loops are " + this.maxPendingBatchesPerLoop + " batches behind");
		}
		return delivered;
	}

	private LoopWriter writer(EventExecutor loop) {
		LoopWriter writer = this.writers.get(loop);
		return (writer != null) ? writer : this.writers.computeIfAbsent(loop, LoopWriter::new);
	}

	/**
	 * Recipients grouped by event loop, and the codecs and the transports' pre-framings
	 * they need.
	 */
	private static final class Grouping implements Consumer<PushConnection> {

		final List<Batch> batches = new ArrayList<>(2);

		final List<FrameCodec> codecs = new ArrayList<>(2);

		final List<PreFraming> framings = new ArrayList<>(1);

		int count;

		@Override
		public void accept(PushConnection connection) {
			EventExecutor loop = connection.eventLoop();
			Batch batch = null;
			for (Batch candidate : this.batches) {
				if (candidate.loop == loop) {
					batch = candidate;
					break;
				}
			}
			if (batch == null) {
				batch = new Batch(loop);
				this.batches.add(batch);
			}
			batch.targets.add(connection);
			if (!this.codecs.contains(connection.codec())) {
				this.codecs.add(connection.codec());
			}
			PreFraming framing = connection.preFraming();
			if (framing != null && !this.framings.contains(framing)) {
				this.framings.add(framing);
			}
			this.count++;
		}

		EncodedFrames encode(Push push, ByteBufAllocator allocator) {
			return EncodedFrames.encode(push, this.codecs, this.framings, allocator);
		}

	}

	/** The recipients of one push on one loop. */
	private static final class Batch {

		final EventExecutor loop;

		final List<PushConnection> targets = new ArrayList<>(4);

		@Nullable EncodedFrames frames;

		@Nullable Push push;

		long startNanos;

		Batch(EventExecutor loop) {
			this.loop = loop;
		}

	}

	/** Drains the batches of one event loop. */
	private final class LoopWriter implements Runnable {

		private final EventExecutor loop;

		private final Queue<Batch> queue = Queues.<Batch>unboundedMultiproducer().get();

		private final AtomicInteger size = new AtomicInteger();

		private final AtomicBoolean scheduled = new AtomicBoolean();

		/** Confined to the loop: connections written in the current drain. */
		private final List<PushConnection> dirty = new ArrayList<>();

		LoopWriter(EventExecutor loop) {
			this.loop = loop;
		}

		boolean offer(Batch batch) {
			if (this.size.incrementAndGet() > FanOut.this.maxPendingBatchesPerLoop) {
				this.size.decrementAndGet();
				return false;
			}
			this.queue.offer(batch);
			if (this.scheduled.compareAndSet(false, true)) {
				this.loop.execute(this);
			}
			return true;
		}

		@Override
		public void run() {
			this.scheduled.set(false);
			Batch batch;
			int drained = 0;
			while (drained < DRAIN_LIMIT && (batch = this.queue.poll()) != null) {
				this.size.decrementAndGet();
				drained++;
				write(batch);
			}
			for (PushConnection connection : this.dirty) {
				connection.flushPending = false;
				connection.flush();
			}
			this.dirty.clear();
			if (!this.queue.isEmpty() && this.scheduled.compareAndSet(false, true)) {
				this.loop.execute(this);
			}
		}

		private void write(Batch batch) {
			Push push = batch.push;
			EncodedFrames frames = batch.frames;
			if (push == null || frames == null) {
				// both are set before a batch is queued
				return;
			}
			int written = 0;
			long bytes = 0;
			SlowConsumerPolicy policy = FanOut.this.policies.policyOf(push.event());
			try {
				for (PushConnection connection : batch.targets) {
					StreamOrder order = (push.position() != null) ? FanOut.this.order : null;
					if (order != null && !order.admit(connection, push)) {
						continue;
					}
					int codec = frames.indexOf(connection.codec());
					ByteBuf frame = frames.buffers()[codec];
					int size = frame.readableBytes();
					// each connection gets the push in its own framing only (an SSE
					// stream
					// of the same push gets none)
					ByteBuf preFramed = frames.preFramed(connection.preFraming(), codec);
					boolean pushed = connection.writePush(frame, preFramed, push.event(), policy);
					if (order != null) {
						// the pushes held for this one follow it
						order.written(connection, push);
					}
					if (pushed) {
						written++;
						bytes += size;
					}
					if (pushed || order != null) {
						if (!connection.flushPending) {
							connection.flushPending = true;
							this.dirty.add(connection);
						}
					}
				}
				FanOut.this.metrics.framesOut("push", written, bytes);
				FanOut.this.metrics.pushLatency(System.nanoTime() - batch.startNanos);
			}
			finally {
				frames.release();
			}
		}

	}

}
