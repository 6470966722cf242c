/**
 * The Redis pub/sub cluster bus, for teams without Kafka.
 */
@NullMarked
package io.pushgateway.cluster.redis;

import org.jspecify.annotations.NullMarked;
