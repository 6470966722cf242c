package io.pushgateway.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;

/**
 * An event loop for unit tests: tasks run at once on the calling thread, scheduled tasks
 * when the test says their time has come.
 */
final class ManualEventLoop extends AbstractScheduledEventExecutor {

	/** This loop's clock, which only the test moves. */
	private long now = 1_000_000_000L;

	@Override
	protected long getCurrentTimeNanos() {
		return this.now;
	}

	/** Move the clock an hour on and run every scheduled task then due. */
	int runScheduled() {
		this.now += TimeUnit.HOURS.toNanos(1);
		List<Runnable> due = new ArrayList<>();
		Runnable task;
		while ((task = pollScheduledTask(this.now)) != null) {
			due.add(task);
		}
		due.forEach(Runnable::run);
		return due.size();
	}

	boolean hasScheduled() {
		return nextScheduledTaskNano() != -1;
	}

	@Override
	public void execute(Runnable command) {
		command.run();
	}

	@Override
	public boolean inEventLoop(Thread thread) {
		return true;
	}

	@Override
	public boolean isShuttingDown() {
		return false;
	}

	@Override
	public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
		return terminationFuture();
	}

	@Override
	public Future<?> terminationFuture() {
		return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
	}

	@Override
	@Deprecated
	public void shutdown() {
	}

	@Override
	public boolean isShutdown() {
		return false;
	}

	@Override
	public boolean isTerminated() {
		return false;
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return false;
	}

}
