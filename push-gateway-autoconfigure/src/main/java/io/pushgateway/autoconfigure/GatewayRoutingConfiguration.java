package io.pushgateway.autoconfigure;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.pushgateway.auth.SecurityPrincipalMapper;
import io.pushgateway.transport.GatewayRoutes;
import io.pushgateway.transport.GatewayWebHandler;
import io.pushgateway.transport.websocket.NettyWebSocketUpgrades;
import io.pushgateway.transport.websocket.WebSocketEndpoint;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.Ordered;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;

/**
 * Where the gateway's endpoints ({@link GatewayRoutes}) are served: straight from Boot's
 * Reactor Netty server, ahead of WebFlux (the default, and the fastest), or, when the
 * application has Spring Security, behind WebFlux's {@code WebFilter}s through a
 * {@link GatewayWebHandler}, so that its security, CORS and forwarded headers apply to
 * them as to every other endpoint ({@code push.gateway.webflux-routing}).
 *
 * @author Push Gateway team
 */
final class GatewayRoutingConfiguration {

	/** The bean that serves the endpoints behind WebFlux, when it exists. */
	static final String HANDLER_MAPPING = "pushGatewayHandlerMapping";

	private static final String FILTER_CHAIN_PROXY = "org.springframework.security.web.server.WebFilterChainProxy";

	private static final String AUTHENTICATION = "org.springframework.security.core.Authentication";

	private GatewayRoutingConfiguration() {
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NettyRouting.class)
	static class NettyRoutingConfiguration {

		@Bean
		NettyRouteProvider pushGatewayNettyRoutes(ObjectProvider<GatewayRoutes> endpoints) {
			List<GatewayRoutes> all = endpoints.orderedStream().toList();
			return (routes) -> {
				for (GatewayRoutes endpoint : all) {
					routes = endpoint.apply(routes);
				}
				return routes;
			};
		}

		/**
		 * WebSocket upgrades on a Netty handler ahead of Reactor Netty's HTTP server path
		 * ({@code push.gateway.websocket.netty-upgrade}).
		 * @param endpoint the WebSocket endpoint
		 * @return the customizer of Boot's Reactor Netty server
		 */
		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBooleanProperty(name = "push.gateway.websocket.netty-upgrade", matchIfMissing = true)
		NettyWebSocketUpgrades pushGatewayNettyWebSocketUpgrades(WebSocketEndpoint endpoint) {
			return new NettyWebSocketUpgrades(endpoint);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(WebFluxRouting.class)
	static class WebFluxRoutingConfiguration {

		@Bean(HANDLER_MAPPING)
		HandlerMapping pushGatewayHandlerMapping(ObjectProvider<GatewayRoutes> endpoints,
				PushGatewayProperties properties) {
			Predicate<Principal> authenticated = ClassUtils.isPresent(AUTHENTICATION, getClass().getClassLoader())
					? SecurityPrincipalMapper::isAuthenticated : (principal) -> true;
			GatewayWebHandler handler = new GatewayWebHandler(endpoints.orderedStream().toList(), authenticated);
			Map<String, Object> paths = new LinkedHashMap<>();
			paths.put(properties.getWebsocket().getPath(), handler);
			paths.put(trimmed(properties.getPolling().getPath()) + "/**", handler);
			paths.put(trimmed(properties.getSse().getPath()) + "/**", handler);
			if (properties.getSocketio().isEnabled()) {
				paths.put(trimmed(properties.getSocketio().getPath()) + "/**", handler);
			}
			paths.put(trimmed(properties.getHttpApi().getPath()) + "/**", handler);
			if (properties.getConsole().isEnabled()) {
				paths.put(trimmed(properties.getConsole().getPath()), handler);
				paths.put(trimmed(properties.getConsole().getPath()) + "/**", handler);
			}
			return new SimpleUrlHandlerMapping(paths, Ordered.HIGHEST_PRECEDENCE);
		}

		private static String trimmed(String path) {
			return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
		}

	}

	/**
	 * Matches when the endpoints run behind WebFlux: {@code webflux-routing} is
	 * {@code always}, or {@code auto} and the application has Spring Security's WebFlux
	 * filter chain.
	 */
	static class WebFluxRouting extends SpringBootCondition implements ConfigurationCondition {

		// evaluated once the application's bean definitions are registered, as
		// @ConditionalOnBean is
		@Override
		public ConfigurationPhase getConfigurationPhase() {
			return ConfigurationPhase.REGISTER_BEAN;
		}

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			PushGatewayProperties.WebFluxRouting mode = Binder.get(context.getEnvironment())
				.bind("push.gateway.webflux-routing", PushGatewayProperties.WebFluxRouting.class)
				.orElse(PushGatewayProperties.WebFluxRouting.AUTO);
			if (mode != PushGatewayProperties.WebFluxRouting.AUTO) {
				return new ConditionOutcome(mode == PushGatewayProperties.WebFluxRouting.ALWAYS,
						"push.gateway.webflux-routing is " + mode);
			}
			return new ConditionOutcome(hasSpringSecurity(context),
					"Spring Security's WebFilterChainProxy " + (hasSpringSecurity(context) ? "found" : "not found"));
		}

		private static boolean hasSpringSecurity(ConditionContext context) {
			ConfigurableListableBeanFactory beans = context.getBeanFactory();
			if (beans == null || !ClassUtils.isPresent(FILTER_CHAIN_PROXY, context.getClassLoader())) {
				return false;
			}
			try {
				return beans.getBeanNamesForType(ClassUtils.forName(FILTER_CHAIN_PROXY, context.getClassLoader()), true,
						false).length > 0;
			}
			catch (ClassNotFoundException ex) {
				return false;
			}
		}

	}

	/** Matches when {@link WebFluxRouting} does not. */
	static class NettyRouting extends WebFluxRouting {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionOutcome webflux = super.getMatchOutcome(context, metadata);
			return new ConditionOutcome(!webflux.isMatch(), webflux.getConditionMessage());
		}

	}

}
