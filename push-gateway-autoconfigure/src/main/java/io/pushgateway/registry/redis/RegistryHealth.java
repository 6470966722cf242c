package io.pushgateway.registry.redis;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Whether the registry's last write reached Redis: down when one of its tasks fails, up
 * again when a batch is written. Each change is logged once.
 *
 * @author Push Gateway team
 */
final class RegistryHealth {

	// the registry's category, named rather than referenced: the registry creates this
	// class
	private static final Log logger = LogFactory.getLog("io.pushgateway.registry.redis.RedisSessionRegistry");

	private final AtomicBoolean healthy = new AtomicBoolean(true);

	/**
	 * Record that a task failed.
	 * @param error why
	 */
	void down(Throwable error) {
		if (this.healthy.compareAndSet(true, false)) {
			logger.warn("Redis session registry unreachable; connections keep working, sessions will be rewritten when "
					+ "Redis answers: " + error + ((error.getCause() != null) ? " (" + error.getCause() + ")" : ""));
		}
	}

	/**
	 * Record that a write reached Redis.
	 */
	void up() {
		if (this.healthy.compareAndSet(false, true)) {
			logger.info("Redis session registry reachable again");
		}
	}

	boolean isHealthy() {
		return this.healthy.get();
	}

}
