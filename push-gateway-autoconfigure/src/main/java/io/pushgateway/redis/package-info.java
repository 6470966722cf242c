/**
 * Redis client support shared by the Redis backends (the session registry, the push
 * store, the worker-ID leases and the Redis bus).
 */
@NullMarked
package io.pushgateway.redis;

import org.jspecify.annotations.NullMarked;
