package io.pushgateway.autoconfigure;

import java.time.Clock;

import io.pushgateway.cluster.LocalClusterBus;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.RecentPresence;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.PresenceEvents;
import io.pushgateway.id.NodeId;
import io.pushgateway.registry.InMemoryBanStore;
import io.pushgateway.registry.InMemoryIdempotencyStore;
import io.pushgateway.registry.InMemoryMessageRateLimiter;
import io.pushgateway.registry.InMemoryPresence;
import io.pushgateway.registry.InMemoryPushStore;
import io.pushgateway.registry.InMemoryRecentPresence;
import io.pushgateway.registry.InMemorySessionRegistry;
import io.pushgateway.spi.BanStore;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.IdempotencyStore;
import io.pushgateway.spi.MessageRateLimiter;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.PushStore;
import io.pushgateway.spi.SessionRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded default's backends, for a node alone: the bus, the session registry and
 * the presence queries, the idempotency keys and the recovery streams in the node's
 * memory. Each backs off when a cluster configuration (Redis, Kafka) or the application
 * defined its own, so this is imported after them.
 *
 * @author Push Gateway team
 */
@Configuration(proxyBeanMethods = false)
class LocalBackendsConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClusterBus pushGatewayClusterBus() {
		return new LocalClusterBus();
	}

	@Bean
	@ConditionalOnMissingBean
	SessionRegistry pushGatewaySessionRegistry(PushGatewayProperties properties, PresenceEvents presenceEvents,
			Clock clock) {
		return new InMemorySessionRegistry(presenceTracking(properties, presenceEvents), clock);
	}

	/*
	 * Presence from this node's hub. An application that keeps sessions elsewhere (its
	 * own SessionRegistry) replaces this too, or presence answers for this node only.
	 */
	@Bean
	@ConditionalOnMissingBean
	PresenceOperations pushGatewayPresence(NodeId node, LocalHub hub, PushGatewayProperties properties) {
		return new InMemoryPresence(hub, node.value(), properties.getConnections().isClientAddress());
	}

	/*
	 * The idempotency keys of pushes, in memory (the Redis registry keeps them in Redis).
	 */
	@Bean
	@ConditionalOnMissingBean
	IdempotencyStore pushGatewayIdempotencyStore(PushGatewayProperties properties, Clock clock) {
		return new InMemoryIdempotencyStore(properties.getIdempotency().getMaxKeys(), clock);
	}

	/*
	 * The latest presence transitions, in memory (the Redis registry keeps them in
	 * Redis).
	 */
	@Bean
	@ConditionalOnMissingBean(RecentPresence.class)
	@ConditionalOnBooleanProperty("push.gateway.presence.enabled")
	InMemoryRecentPresence pushGatewayRecentPresence() {
		return new InMemoryRecentPresence();
	}

	/*
	 * The per-user message buckets, in memory (the Redis registry keeps them in Redis).
	 */
	@Bean
	@ConditionalOnMissingBean
	MessageRateLimiter pushGatewayMessageRateLimiter(PushGatewayProperties properties, Clock clock) {
		LimitsProperties limits = properties.getLimits();
		return new InMemoryMessageRateLimiter(Math.max(1, limits.getUserMessagesPerSecond()),
				Math.max(1, limits.userBucketSize()), 100_000, clock);
	}

	/*
	 * Bans and revocations, in memory (the Redis registry keeps them in Redis).
	 */
	@Bean
	@ConditionalOnMissingBean
	BanStore pushGatewayBanStore(PushGatewayProperties properties, Clock clock) {
		BansProperties bans = properties.getBans();
		return new InMemoryBanStore(bans.getMaxEntries(), bans.getRevocationRetention(), clock);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("push.gateway.recovery.enabled")
	PushStore pushGatewayPushStore(PushGatewayProperties properties, Clock clock) {
		RecoveryProperties recovery = properties.getRecovery();
		return new InMemoryPushStore(recovery.getMaxLength(), recovery.getMaxAge(), clock);
	}

	static PresenceTracking presenceTracking(PushGatewayProperties properties, PresenceEvents events) {
		PresenceProperties presence = properties.getPresence();
		return presence.isEnabled() ? PresenceTracking.of(presence.getGracePeriod(), events::publish)
				: PresenceTracking.OFF;
	}

}
