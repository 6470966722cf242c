package io.pushgateway.autoconfigure;

import java.security.Principal;
import java.util.function.Predicate;

import io.pushgateway.auth.ConsoleRole;
import io.pushgateway.http.ConsoleRoutes;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * The operator console ({@code push.gateway.console.enabled}), a page over the HTTP API:
 * behind the console's role when Spring Security's WebFlux chain is in front of the
 * gateway, public (asking for the API token) otherwise.
 *
 * @author Push Gateway team
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("push.gateway.console.enabled")
class ConsoleConfiguration {

	private static final String CHAIN = "org.springframework.security.web.server.SecurityWebFilterChain";

	@Bean
	@ConditionalOnMissingBean
	ConsoleRoutes pushGatewayConsoleRoutes(PushGatewayProperties properties, ListableBeanFactory beans) {
		Assert.state(properties.getHttpApi().isEnabled(),
				"push.gateway.console.enabled needs push.gateway.http-api.enabled: the console works through the "
						+ "HTTP API");
		ConsoleProperties console = properties.getConsole();
		return new ConsoleRoutes(console.getPath(), properties.getHttpApi().getPath(),
				secured(beans) ? role(console.getRole()) : null);
	}

	private static boolean secured(ListableBeanFactory beans) {
		ClassLoader loader = ConsoleConfiguration.class.getClassLoader();
		return beans.containsBeanDefinition(GatewayRoutingConfiguration.HANDLER_MAPPING)
				&& ClassUtils.isPresent(CHAIN, loader)
				&& beans.getBeanNamesForType(ClassUtils.resolveClassName(CHAIN, loader)).length > 0;
	}

	// a class of its own: it names Spring Security's types
	private static Predicate<Principal> role(String role) {
		return new ConsoleRole(role);
	}

}
