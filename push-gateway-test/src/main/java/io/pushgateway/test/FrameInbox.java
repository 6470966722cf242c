package io.pushgateway.test;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The frames a {@link PushTestClient} received and not yet awaited, and how its
 * connection closed, with the waits for them: each bounded by the client's timeout, and
 * failing with an {@link AssertionError} naming what was awaited.
 *
 * @author Push Gateway team
 */
final class FrameInbox {

	private final BlockingQueue<PushTestClient.Frame> frames = new LinkedBlockingQueue<>();

	private final CompletableFuture<PushTestClient.Closed> closed = new CompletableFuture<>();

	private final Duration timeout;

	/**
	 * An empty inbox.
	 * @param timeout the bound of every wait
	 */
	FrameInbox(Duration timeout) {
		this.timeout = timeout;
	}

	/**
	 * A frame arrived.
	 * @param frame the frame
	 */
	void add(PushTestClient.Frame frame) {
		this.frames.add(frame);
	}

	/**
	 * The connection closed; only the first close counts.
	 * @param closed how it closed
	 */
	void closed(PushTestClient.Closed closed) {
		this.closed.complete(closed);
	}

	/**
	 * The next frame that matches, within the timeout; frames before it are dropped.
	 * @param what what is awaited, for the failure message
	 * @param condition the condition
	 * @return the frame
	 */
	PushTestClient.Frame await(String what, Predicate<PushTestClient.Frame> condition) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		try {
			while (true) {
				PushTestClient.Frame frame = this.frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
				if (frame == null) {
					throw new AssertionError("no " + what + " within " + this.timeout
							+ (this.closed.isDone() ? "; the connection closed: " + this.closed.join() : ""));
				}
				if (condition.test(frame)) {
					return frame;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * Wait for the connection to close.
	 * @return the close code and reason
	 */
	PushTestClient.Closed awaitClose() {
		try {
			return this.closed.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("the connection did not close within " + this.timeout, ex);
		}
	}

}
