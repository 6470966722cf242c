package io.pushgateway.autoconfigure;

import io.pushgateway.core.BanOperations;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.RecentPresence;
import io.pushgateway.http.HttpPushApi;
import io.pushgateway.observation.PushObservations;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.Assert;

/**
 * The HTTP push API ({@code push.gateway.http-api.enabled}), for services in any
 * language.
 *
 * @author Push Gateway team
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("push.gateway.http-api.enabled")
class HttpApiConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HttpPushApi pushGatewayHttpPushApi(PushOperations operations, PresenceOperations presence, BanOperations bans,
			PushGatewayProperties properties, ListableBeanFactory beans, PushObservations observations,
			ObjectProvider<RecentPresence> recent) {
		String token = properties.getHttpApi().getToken();
		boolean behindWebFlux = beans.containsBeanDefinition(GatewayRoutingConfiguration.HANDLER_MAPPING);
		Assert.state(behindWebFlux || (token != null && !token.isBlank()),
				"push.gateway.http-api.token must be set when the HTTP push API is enabled and not behind "
						+ "Spring Security");
		if (token != null && token.isBlank()) {
			token = null;
		}
		return new HttpPushApi(operations, presence, bans, token,
				(int) properties.getLimits().getMaxPayloadSize().toBytes(), properties.getHttpApi().getPath(),
				observations, recent.getIfAvailable());
	}

}
