package io.pushgateway.autoconfigure;

import io.pushgateway.auth.JwtDecoderTokenVerifier;
import io.pushgateway.auth.TokenVerifier;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Tokens verified with the application's Spring Security {@link ReactiveJwtDecoder}, the
 * one Boot makes from {@code spring.security.oauth2.resourceserver.jwt.*} (JWKS from an
 * identity provider). The gateway's own key ({@code push.gateway.auth.jwt.secret} or
 * {@code public-key}) wins when one is configured.
 *
 * @author Push Gateway team
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(ReactiveJwtDecoder.class)
@ConditionalOnBean(ReactiveJwtDecoder.class)
@ConditionalOnMissingBean(TokenVerifier.class)
class JwtDecoderConfiguration {

	@Bean
	JwtDecoderTokenVerifier pushGatewayJwtDecoderTokenVerifier(ReactiveJwtDecoder decoder,
			PushGatewayProperties properties) {
		AuthProperties.Jwt jwt = properties.getAuth().getJwt();
		return new JwtDecoderTokenVerifier(decoder, jwt.getIssuer(), jwt.getAudience(), jwt.getUidClaim(),
				jwt.getGuidsClaim(), jwt.getClockSkew());
	}

}
