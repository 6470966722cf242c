package io.pushgateway.autoconfigure;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadEncoder;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.id.NodeId;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.id.WorkerIdStrategy;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.spi.SessionRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What makes a node one: its worker ID and node ID, clock, message IDs, the hub of its
 * connections, its meters and observations, and how application values become payloads.
 *
 * @author Push Gateway team
 */
@Configuration(proxyBeanMethods = false)
class NodeConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WorkerIdStrategy pushGatewayWorkerIdStrategy(PushGatewayProperties properties) {
		NodeProperties node = properties.getNode();
		return switch (node.getWorkerIdStrategy()) {
			case CONFIGURED -> WorkerIdStrategy.configured(node.getWorkerId());
			case HOST_IPV4 -> WorkerIdStrategy.hostIpv4();
			case POD_ORDINAL -> WorkerIdStrategy.podOrdinal(
					(node.getHostname() != null) ? node.getHostname() : String.valueOf(System.getenv("HOSTNAME")));
			case REDIS_LEASE -> throw new IllegalStateException(
					"push.gateway.node.worker-id-strategy=redis-lease needs spring-boot-starter-data-redis-reactive");
		};
	}

	/**
	 * The gateway's observations, in the application's {@link ObservationRegistry} when
	 * it has one and {@code push.gateway.observations.enabled} is not {@code false}.
	 * @param registry the application's registry
	 * @param properties the gateway's settings
	 * @return the observations
	 */
	@Bean
	@ConditionalOnMissingBean
	PushObservations pushGatewayObservations(ObjectProvider<ObservationRegistry> registry,
			PushGatewayProperties properties) {
		ObservationRegistry observations = registry.getIfUnique();
		if (observations == null || !properties.getObservations().isEnabled()) {
			return PushObservations.OFF;
		}
		return new PushObservations(observations);
	}

	/**
	 * The clock behind message IDs, heartbeats, retention and credential expiry. An
	 * application's own {@link Clock} bean replaces it (tests use a fixed or offset one).
	 * @return the system clock in UTC
	 */
	@Bean
	@ConditionalOnMissingBean
	Clock pushGatewayClock() {
		return Clock.systemUTC();
	}

	@Bean
	@ConditionalOnMissingBean
	NodeId pushGatewayNodeId(PushGatewayProperties properties, WorkerIdStrategy workerIdStrategy) {
		return NodeId.of(properties.getNode().getId(), workerIdStrategy.workerId());
	}

	@Bean
	@ConditionalOnMissingBean
	SnowflakeIdGenerator pushGatewayIdGenerator(WorkerIdStrategy workerIdStrategy, Clock clock) {
		return new SnowflakeIdGenerator(workerIdStrategy.workerId(), clock);
	}

	@Bean
	@ConditionalOnMissingBean
	LocalHub pushGatewayLocalHub(NodeId node, PushGatewayProperties properties,
			ObjectProvider<SessionRegistry> registry) {
		// the registry is whichever SessionRegistry bean exists, the application's own
		// included; looked up when the first connection arrives
		return new LocalHub(properties.getLimits().getMaxConnectionsPerUser(), node.value(), registry::getObject);
	}

	@Bean
	@ConditionalOnMissingBean
	GatewayMetrics pushGatewayMetrics(ObjectProvider<MeterRegistry> registry, LocalHub hub) {
		// without the application's registry, keep the meters private rather than
		// register them globally, where they would outlive this context
		return new GatewayMetrics(registry.getIfAvailable(SimpleMeterRegistry::new), hub);
	}

	@Bean
	@ConditionalOnMissingBean
	PayloadEncoder pushGatewayPayloadEncoder(ObjectProvider<JsonMapper> jsonMapper) {
		JsonMapper mapper = jsonMapper.getIfAvailable(JsonMapper::new);
		return (value) -> Payload.json(mapper.writeValueAsBytes(value));
	}

}
