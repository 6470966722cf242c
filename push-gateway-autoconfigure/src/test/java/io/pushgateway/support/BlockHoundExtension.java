package io.pushgateway.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Installs BlockHound once per JVM and fails a test when any blocking call ran on a
 * non-blocking thread (Netty event loops, Reactor's parallel scheduler) while it ran.
 * Violations are recorded rather than thrown, so a blocking call cannot hide inside a
 * swallowed error and still fails the test that caused it.
 *
 * <p>
 * BlockHound is installed when the test run starts ({@link Installer}), before any thread
 * exists: a thread already parked inside an allowed method when BlockHound arrives would
 * be reported falsely.
 *
 * <p>
 * Two blocking calls are allowed: Logback's console writes (use an asynchronous appender
 * in production), and Lettuce's brief lock when a Redis command is handed to its
 * connection.
 *
 * @author Push Gateway team
 */
public final class BlockHoundExtension implements BeforeEachCallback, AfterEachCallback {

	private static final List<String> violations = new CopyOnWriteArrayList<>();

	private static final AtomicBoolean installed = new AtomicBoolean();

	/*
	 * Installed at the first test that uses it, not when the class is initialized: a
	 * build that lists the test classes before forking (surefire with several forks)
	 * initializes them in Maven's own JVM, which must not be instrumented.
	 */
	static void install() {
		if (!installed.compareAndSet(false, true)) {
			return;
		}
		BlockHound.install((builder) -> builder
			.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes")
			.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "subAppend")
			// Lettuce hands a command to its connection under a short lock that
			// is contended
			// only while another thread writes to the same connection
			// (redis/lettuce#2510,
			// #3804); every reactive Redis call takes it, whatever thread
			// dispatches it
			.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters")
			// Spring Data Redis hands out its shared connection under a lock
			// around a field read; it is contended only when two threads ask at
			// the same instant (the connection itself is opened at startup, when
			// the registry and the bus first use it)
			.allowBlockingCallsInside(
					"org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory$SharedConnection",
					"getConnection")
			// and the factory reads that shared connection's field under its own lock
			// (the same field read, one level up; seen once in a fresh-clone run when
			// two of the registry's periodic tasks asked at the same instant)
			.allowBlockingCallsInside("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
					"getOrCreateSharedReactiveConnection")
			.blockingMethodCallback((method) -> {
				String trace = stackTrace();
				if (!idleWorker(trace)) {
					violations.add(method + " on " + Thread.currentThread().getName() + "\n" + trace);
				}
			}));
	}

	/*
	 * A scheduler's worker waiting for its next task: Reactor's own BlockHound
	 * integration allows it (DelayedWorkQueue.take), but an allowance starts at the
	 * method's entry, and a worker that was already waiting when BlockHound was installed
	 * (installed lazily, see above) parks again inside the same call when a task with an
	 * earlier deadline wakes it.
	 */
	private static boolean idleWorker(String trace) {
		return trace.contains("ScheduledThreadPoolExecutor$DelayedWorkQueue.take")
				&& trace.contains("ThreadPoolExecutor.getTask");
	}

	/**
	 * The violations recorded since the current test started.
	 * @return the violations
	 */
	public static List<String> violations() {
		return violations;
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		install();
		violations.clear();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		assertThat(violations).as("blocking calls on non-blocking threads").isEmpty();
	}

	private static String stackTrace() {
		StringBuilder trace = new StringBuilder();
		StackTraceElement[] elements = new Throwable().getStackTrace();
		for (int i = 0; i < Math.min(elements.length, 40); i++) {
			trace.append("\tat ").append(elements[i]).append('\n');
		}
		return trace.toString();
	}

	/**
	 * Installs BlockHound as the JUnit launcher session opens.
	 */
	public static final class Installer implements LauncherSessionListener {

		@Override
		public void launcherSessionOpened(LauncherSession session) {
			violations.clear();
		}

	}

}
