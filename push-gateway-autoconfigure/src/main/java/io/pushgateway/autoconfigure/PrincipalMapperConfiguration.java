package io.pushgateway.autoconfigure;

import io.pushgateway.auth.PrincipalMapper;
import io.pushgateway.auth.SecurityPrincipalMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;

/**
 * With Spring Security, the principal it authenticated becomes the connection's identity
 * ({@link SecurityPrincipalMapper}; a {@link PrincipalMapper} bean replaces it).
 *
 * @author Push Gateway team
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(Authentication.class)
class PrincipalMapperConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PrincipalMapper pushGatewayPrincipalMapper(PushGatewayProperties properties) {
		AuthProperties.Jwt jwt = properties.getAuth().getJwt();
		return new SecurityPrincipalMapper(jwt.getUidClaim(), jwt.getGuidsClaim(), jwt.getClockSkew());
	}

}
