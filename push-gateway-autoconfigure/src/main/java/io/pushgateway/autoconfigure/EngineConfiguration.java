package io.pushgateway.autoconfigure;

import java.time.Clock;

import io.netty.buffer.ByteBufAllocator;
import io.pushgateway.core.BanOperations;
import io.pushgateway.core.GuidOperations;
import io.pushgateway.core.PayloadEncoder;
import io.pushgateway.core.PresenceListener;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.UndeliveredListener;
import io.pushgateway.hub.AckTracker;
import io.pushgateway.hub.ClientFrameHandler;
import io.pushgateway.hub.ClusterBans;
import io.pushgateway.hub.ClusterPublisher;
import io.pushgateway.hub.CredentialRefresh;
import io.pushgateway.hub.DynamicHeartbeat;
import io.pushgateway.hub.FanOut;
import io.pushgateway.hub.GatewayUpstream;
import io.pushgateway.hub.GuidMemberships;
import io.pushgateway.hub.GuidPresenceFrames;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.NodeLifecycle;
import io.pushgateway.hub.PresenceEvents;
import io.pushgateway.hub.PushTemplate;
import io.pushgateway.hub.RecoveryCoordinator;
import io.pushgateway.hub.RelayEndpoint;
import io.pushgateway.hub.RelayEndpoints;
import io.pushgateway.hub.SlowConsumerPolicies;
import io.pushgateway.hub.StreamOrder;
import io.pushgateway.hub.UndeliveredPushes;
import io.pushgateway.id.NodeId;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.spi.BanStore;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.IdempotencyStore;
import io.pushgateway.spi.MessageRateLimiter;
import io.pushgateway.spi.PushStore;
import io.pushgateway.spi.SessionRegistry;
import io.pushgateway.spi.UpstreamHandler;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.RefreshRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The engine, whichever backends it runs on: fan-out to this node's connections,
 * {@link PushTemplate} and what it publishes to the cluster, acknowledgements, recovery,
 * the client frame handler, the node's lifecycle, and the dispatchers of presence and
 * undelivered events. Imported after the backends, on which recovery is conditional.
 *
 * @author Push Gateway team
 */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FanOut pushGatewayFanOut(LocalHub hub, GatewayMetrics metrics, PushGatewayProperties properties,
			ObjectProvider<RecoveryCoordinator> recovery) {
		SlowConsumerProperties slow = properties.getSlowConsumer();
		SlowConsumerPolicies policies = new SlowConsumerPolicies(slow.getRules()
			.stream()
			.map((rule) -> new SlowConsumerPolicies.Rule(rule.getEvents(), rule.getPolicy()))
			.toList(), slow.getDefaultPolicy());
		RecoveryCoordinator coordinator = recovery.getIfAvailable();
		return new FanOut(hub, ByteBufAllocator.DEFAULT, metrics, properties.getLimits().getMaxPendingBatchesPerLoop(),
				policies, (coordinator != null) ? coordinator.order() : null);
	}

	/* Attaches connections to GUIDs from the server, across the cluster. */
	@Bean
	@ConditionalOnMissingBean(GuidOperations.class)
	GuidMemberships pushGatewayGuidOperations(LocalHub hub, SessionRegistry registry, ClusterBus bus, NodeId node) {
		return new GuidMemberships(hub, registry, bus, node.value());
	}

	/* Hands the registry's presence transitions to the PresenceListener beans. */
	@Bean
	@ConditionalOnMissingBean
	PresenceEvents pushGatewayPresenceEvents(ObjectProvider<PresenceListener> listeners,
			PushGatewayProperties properties, GatewayMetrics metrics) {
		return new PresenceEvents(() -> listeners.orderedStream().toList(), properties.getPresence().getMaxQueued(),
				metrics);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("push.gateway.presence.guid-members")
	GuidPresenceFrames pushGatewayGuidPresenceFrames(PushOperations push) {
		return new GuidPresenceFrames(push);
	}

	/* What a push published to the other nodes goes through. */
	@Bean
	@ConditionalOnMissingBean
	ClusterPublisher pushGatewayClusterPublisher(ClusterBus bus, SessionRegistry registry, NodeId node,
			PushGatewayProperties properties, GatewayMetrics metrics, PushObservations observations) {
		return new ClusterPublisher(bus, registry, node.value(),
				properties.getBus().getRouting() == BusProperties.Routing.TARGETED, metrics, observations);
	}

	/* Where the template's pushes go. */
	@Bean
	@ConditionalOnMissingBean
	PushTemplate.Delivery pushGatewayPushDelivery(LocalHub hub, FanOut fanOut, ClusterPublisher cluster,
			AckTracker acks, UndeliveredPushes undelivered, GatewayMetrics metrics) {
		return new PushTemplate.Delivery(hub, fanOut, cluster, acks, undelivered, metrics);
	}

	@Bean
	@ConditionalOnMissingBean(PushOperations.class)
	PushTemplate pushTemplate(PushTemplate.Delivery delivery, SnowflakeIdGenerator ids, PayloadEncoder encoder,
			ObjectProvider<PushStore> store, IdempotencyStore idempotency, PushGatewayProperties properties,
			PushObservations observations) {
		PushTemplate.Settings settings = new PushTemplate.Settings(
				(int) properties.getLimits().getMaxPayloadSize().toBytes(), properties.getRecovery().isAllPushes(),
				properties.getIdempotency().getWindow(), properties.getTransactions().isEnabled());
		return new PushTemplate(delivery, ids, encoder, store.getIfAvailable(), idempotency, settings, observations);
	}

	/* Bans and revocations: recorded in the ban store, applied to live connections. */
	@Bean
	@ConditionalOnMissingBean(BanOperations.class)
	ClusterBans pushGatewayBans(BanStore store, LocalHub hub, ClusterPublisher cluster, GatewayMetrics metrics,
			Clock clock) {
		return new ClusterBans(store, hub, cluster, metrics, clock);
	}

	/* Reports pushes that asked for a fallback and reached nobody. */
	@Bean
	@ConditionalOnMissingBean
	UndeliveredPushes pushGatewayUndeliveredPushes(PresenceOperations presence, Clock clock,
			PushGatewayProperties properties, ObjectProvider<UndeliveredListener> listeners, GatewayMetrics metrics) {
		UndeliveredProperties undelivered = properties.getUndelivered();
		return new UndeliveredPushes(presence, clock, undelivered.isAllPushes(),
				() -> listeners.orderedStream().toList(), undelivered.getMaxQueued(), metrics);
	}

	/* Replays recoverable pushes to reconnecting clients, when a store exists. */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(PushStore.class)
	RecoveryCoordinator pushGatewayRecoveryCoordinator(PushStore store, PushGatewayProperties properties,
			GatewayMetrics metrics) {
		RecoveryProperties recovery = properties.getRecovery();
		return new RecoveryCoordinator(
				new StreamOrder(store, recovery.getMaxLength(), recovery.getGapTimeout(), metrics));
	}

	@Bean
	@ConditionalOnMissingBean
	AckTracker pushGatewayAckTracker(ClusterBus bus, PushGatewayProperties properties, GatewayMetrics metrics) {
		return new AckTracker(bus, properties.getLimits().getMaxPendingAcks(),
				properties.getLimits().getMaxAckTimeout(), metrics::ackRoundTrip);
	}

	@Bean
	@ConditionalOnMissingBean
	ClientFrameHandler pushGatewayClientFrameHandler(LocalHub hub, ObjectProvider<UpstreamHandler> handlers,
			GuidAuthorizer guidAuthorizer, AckTracker acks, ObjectProvider<RecoveryCoordinator> recovery,
			GatewayMetrics metrics, PushObservations observations, Clock clock, NodeId node,
			PushGatewayProperties properties, CredentialRefresh refresh, MessageRateLimiter userRate) {
		LimitsProperties limits = properties.getLimits();
		return new ClientFrameHandler(hub, GatewayUpstream.applicationsFirst(handlers.orderedStream().toList()),
				guidAuthorizer, acks, recovery.getIfAvailable(), metrics, observations, clock, node.value(),
				new ClientFrameHandler.Limits(limits.getMaxGuidsPerConnection(), limits.getMaxInFlightMessages(),
						limits.getUpstreamTimeout(), limits.getMaxMessagesPerSecond(),
						limits.getMaxBytesPerSecond().toBytes(), limits.getUserMessagesPerSecond(),
						Math.max(1, limits.getUserRateStrikes())),
				refresh, (limits.getUserMessagesPerSecond() > 0) ? userRate : null);
	}

	/*
	 * Fresh credentials on the connection: admitted as a handshake's token is (the
	 * authenticator, then the bans), by the same Admission.
	 */
	@Bean
	@ConditionalOnMissingBean
	CredentialRefresh pushGatewayCredentialRefresh(Admission admission, PushGatewayProperties properties,
			GatewayMetrics metrics) {
		return new CredentialRefresh(
				(token) -> admission.admit(new RefreshRequest(token)).map(Admission.Admitted::principal),
				properties.getAuth().getRefreshLead().toMillis(), metrics);
	}

	/*
	 * Hands relays between transports to the RelayEndpoint beans. Transports need the
	 * lifecycle, which needs this: the endpoints are looked up when the first relay
	 * arrives.
	 */
	@Bean
	@ConditionalOnMissingBean
	RelayEndpoints pushGatewayRelayEndpoints(NodeId node, ObjectProvider<RelayEndpoint> endpoints) {
		return new RelayEndpoints(node.value(), () -> endpoints.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	NodeLifecycle pushGatewayNodeLifecycle(LocalHub hub, FanOut fanOut, ClusterBus bus, AckTracker acks,
			RelayEndpoints relays, GatewayMetrics metrics, PushObservations observations, Clock clock,
			PushGatewayProperties properties, CredentialRefresh refresh) {
		HeartbeatProperties heartbeat = properties.getHeartbeat();
		DynamicHeartbeat dynamic = new DynamicHeartbeat(heartbeat.getDynamic().isEnabled(),
				heartbeat.getInterval().toMillis(), heartbeat.getDynamic().getMaxInterval().toMillis(),
				heartbeat.getDynamic().getPromoteAfter().toMillis());
		return new NodeLifecycle(hub, fanOut, bus, acks, relays, metrics, observations, clock,
				new NodeLifecycle.Settings(heartbeat.getTimeout(), dynamic, properties.getShutdown().getTimeout(),
						refresh));
	}

}
