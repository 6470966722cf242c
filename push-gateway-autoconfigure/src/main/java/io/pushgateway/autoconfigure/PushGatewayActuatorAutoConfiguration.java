package io.pushgateway.autoconfigure;

import io.pushgateway.actuate.ClusterBusHealthIndicator;
import io.pushgateway.actuate.PushGatewayEndpoint;
import io.pushgateway.actuate.PushGatewayHealthIndicator;
import io.pushgateway.actuate.SessionRegistryHealthIndicator;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.hub.FanOut;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.NodeLifecycle;
import io.pushgateway.id.NodeId;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.SessionRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator support for the gateway, when Spring Boot Actuator is on the classpath: health
 * indicators for the node ({@code pushGateway}), its cluster bus ({@code pushGatewayBus})
 * and its Redis session registry ({@code pushGatewayRegistry}), each switched off with
 * {@code management.health.<name>.enabled=false}, and the {@code pushgateway} endpoint.
 *
 * @author Push Gateway team
 */
@AutoConfiguration(after = PushGatewayAutoConfiguration.class)
@ConditionalOnBean(LocalHub.class)
public final class PushGatewayActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "pushGatewayHealthIndicator")
		@ConditionalOnEnabledHealthIndicator("pushGateway")
		PushGatewayHealthIndicator pushGatewayHealthIndicator(NodeId node, LocalHub hub, NodeLifecycle lifecycle) {
			return new PushGatewayHealthIndicator(node.value(), hub, lifecycle);
		}

		@Bean
		@ConditionalOnMissingBean(name = "pushGatewayBusHealthIndicator")
		@ConditionalOnEnabledHealthIndicator("pushGatewayBus")
		ClusterBusHealthIndicator pushGatewayBusHealthIndicator(ClusterBus bus) {
			return new ClusterBusHealthIndicator(bus);
		}

		@Bean
		@ConditionalOnMissingBean(name = "pushGatewayRegistryHealthIndicator")
		@ConditionalOnBean(SessionRegistry.class)
		@ConditionalOnEnabledHealthIndicator("pushGatewayRegistry")
		SessionRegistryHealthIndicator pushGatewayRegistryHealthIndicator(SessionRegistry registry) {
			return new SessionRegistryHealthIndicator(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		PushGatewayEndpoint pushGatewayEndpoint(NodeId node, LocalHub hub, FanOut fanOut, NodeLifecycle lifecycle,
				SessionRegistry registry, PresenceOperations presence, ClusterBus bus) {
			return new PushGatewayEndpoint(node.value(), hub, fanOut, lifecycle, registry, presence, bus);
		}

	}

}
