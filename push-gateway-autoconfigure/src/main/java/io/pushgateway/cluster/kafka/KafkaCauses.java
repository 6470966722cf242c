package io.pushgateway.cluster.kafka;

import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Finds what a Kafka client failure is about: the clients wrap their reasons (a refused
 * configuration, refused credentials) in exceptions of their own, at varying depths.
 *
 * @author Push Gateway team
 */
final class KafkaCauses {

	private KafkaCauses() {
	}

	/**
	 * The first of a failure and its causes that passes a test.
	 * @param failure the failure
	 * @param test what is looked for
	 * @return the cause found, or {@code null}
	 */
	static @Nullable Throwable find(Throwable failure, Predicate<Throwable> test) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (test.test(cause)) {
				return cause;
			}
		}
		return null;
	}

}
