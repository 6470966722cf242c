package io.pushgateway.autoconfigure;

import io.pushgateway.auth.PrincipalMapper;
import io.pushgateway.auth.PushGatewayLogoutHandler;
import io.pushgateway.auth.SessionEndDisconnects;
import io.pushgateway.core.PushOperations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A logout, and the end of a session, close the connections opened under the session: the
 * {@link PushGatewayLogoutHandler} an application adds to its Spring Security logout,
 * and, with Spring Session, a listener of its session events.
 *
 * @author Push Gateway team
 */
@Configuration(proxyBeanMethods = false)
class LogoutConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.security.web.server.authentication.logout.ServerLogoutHandler")
	static class SecurityLogoutConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PushGatewayLogoutHandler pushGatewayLogoutHandler(PushOperations operations,
				ObjectProvider<PrincipalMapper> mapper) {
			return new PushGatewayLogoutHandler(operations, mapper.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.session.events.SessionDestroyedEvent",
			"org.springframework.security.core.context.SecurityContext" })
	static class SessionEndConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SessionEndDisconnects pushGatewaySessionEndDisconnects(PushOperations operations,
				ObjectProvider<PrincipalMapper> mapper) {
			return new SessionEndDisconnects(operations, mapper.getIfAvailable());
		}

	}

}
