package io.pushgateway.cluster.redis;

import java.time.Duration;

/**
 * Settings of the {@link RedisClusterBus}: its own, the connection being the connection
 * factory's.
 *
 * @param channel the channel every node publishes to and subscribes to
 * @param maxInFlight the most publishes awaiting Redis
 * @param publishTimeout the time Redis has to take a publish
 * @author Push Gateway team
 */
public record RedisBusSettings(String channel, int maxInFlight, Duration publishTimeout) {

}
