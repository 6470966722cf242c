package io.pushgateway.spi;

import reactor.core.publisher.Mono;

/**
 * A token bucket per user over the upstream messages of all their connections, on every
 * node of the cluster ({@code push.gateway.limits.user-messages-per-second}): the node
 * asks it before it hands a client's message to its handler. Without Redis the buckets
 * are this node's ({@link io.pushgateway.registry.InMemoryMessageRateLimiter}); with the
 * Redis registry they are in Redis
 * ({@link io.pushgateway.registry.redis.RedisMessageRateLimiter}), shared by every node.
 *
 * @author Push Gateway team
 */
public interface MessageRateLimiter {

	/**
	 * Take a token from a user's bucket.
	 * @param uid the user
	 * @return {@code true} when a token was taken, {@code false} when the bucket is
	 * empty; an error when the store cannot answer (the node then admits the message)
	 */
	Mono<Boolean> tryAcquire(String uid);

}
