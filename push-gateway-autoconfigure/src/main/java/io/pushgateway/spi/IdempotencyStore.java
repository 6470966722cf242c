package io.pushgateway.spi;

import java.time.Duration;
import java.util.Optional;

import reactor.core.publisher.Mono;

/**
 * Remembers the idempotency keys of pushes for a window, so that a push issued again with
 * the same key, through any node, is issued once
 * ({@code io.pushgateway.core.PushOperations#once}). Kept in memory on a single node and
 * in Redis with the Redis registry.
 *
 * @author Push Gateway team
 */
public interface IdempotencyStore {

	/**
	 * Claim a key for a push about to be issued.
	 * @param key the key
	 * @param lease how long the claim holds if it is neither completed nor released (its
	 * node died mid-push): then the key is free again
	 * @return an empty {@link Optional} when this caller claimed the key (it issues the
	 * push), otherwise what the key holds: the first push's message ID, or an empty
	 * string while it is still being issued
	 */
	Mono<Optional<String>> claim(String key, Duration lease);

	/**
	 * What a key holds.
	 * @param key the key
	 * @return the message ID, an empty string while the push is being issued, or empty
	 * when the key is not (or no longer) remembered
	 */
	Mono<String> get(String key);

	/**
	 * Record the message ID of the push a claimed key issued.
	 * @param key the key
	 * @param messageId the push's message ID
	 * @param window how long the key is remembered from now
	 * @return completes once recorded
	 */
	Mono<Void> complete(String key, String messageId, Duration window);

	/**
	 * Forget a claimed key whose push failed, so that a retry can issue it.
	 * @param key the key
	 * @return completes once forgotten
	 */
	Mono<Void> release(String key);

}
