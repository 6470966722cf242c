/**
 * The Kafka cluster bus: every node reads every partition of the downstream topic,
 * without a consumer group.
 */
@NullMarked
package io.pushgateway.cluster.kafka;

import org.jspecify.annotations.NullMarked;
