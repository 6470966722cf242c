package io.pushgateway.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * Small helpers the servers under test share: an open-loop pacer that issues work at a
 * fixed rate whatever the latency (so a slow server cannot slow the load down and hide
 * its queueing), and the heap after a full collection.
 *
 * @author Push Gateway team
 */
public final class Pacer {

	private Pacer() {
	}

	/**
	 * Run an action {@code rate} times per second for {@code seconds} seconds, on the
	 * calling thread, on a schedule fixed in advance.
	 * @param rate actions per second
	 * @param seconds how long
	 * @param action the action
	 * @return how many times it ran
	 */
	public static long run(int rate, int seconds, Runnable action) {
		long total = (long) rate * seconds;
		long interval = 1_000_000_000L / rate;
		long start = System.nanoTime();
		for (long i = 0; i < total; i++) {
			long due = start + i * interval;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			action.run();
		}
		return total;
	}

	/**
	 * Run a task on a new daemon thread.
	 * @param task the task
	 */
	public static void inBackground(Runnable task) {
		Thread thread = new Thread(task, "bench-pacer");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * The heap in use after two full collections.
	 * @return bytes
	 */
	public static long heapAfterGc() {
		System.gc();
		System.gc();
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
