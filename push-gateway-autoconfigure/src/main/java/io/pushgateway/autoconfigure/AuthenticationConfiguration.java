package io.pushgateway.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import io.pushgateway.auth.CachingTokenVerifier;
import io.pushgateway.auth.JwtTokenVerifier;
import io.pushgateway.auth.PrincipalMapper;
import io.pushgateway.auth.TokenPushAuthenticator;
import io.pushgateway.auth.TokenVerifier;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.PushAuthenticator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * Who may connect and join what: the authenticator of handshakes (the gateway's own JWT
 * key, or the application's {@link TokenVerifier}, or anonymous access) and the
 * authorizer of GUIDs (none by default).
 *
 * @author Push Gateway team
 */
@Configuration(proxyBeanMethods = false)
class AuthenticationConfiguration {

	/* the auto-configuration's category, named rather than referenced: it imports this */
	private static final Log logger = LogFactory.getLog("io.pushgateway.autoconfigure.PushGatewayAutoConfiguration");

	@Bean
	@ConditionalOnMissingBean
	PushAuthenticator pushGatewayAuthenticator(PushGatewayProperties properties, SnowflakeIdGenerator ids,
			ObjectProvider<TokenVerifier> tokenVerifiers, ObjectProvider<PrincipalMapper> principalMappers,
			ResourceLoader resourceLoader) {
		AuthProperties auth = properties.getAuth();
		// the gateway's own key when one is configured; otherwise a TokenVerifier bean,
		// such as the one made from the application's ReactiveJwtDecoder
		TokenVerifier verifier = jwtVerifier(auth.getJwt());
		if (verifier == null) {
			verifier = tokenVerifiers.getIfUnique();
		}
		if (verifier != null && auth.getTokenCache().getSize() > 0) {
			verifier = cached(verifier, auth.getTokenCache(), resourceLoader.getClassLoader());
		}
		if (verifier == null && !auth.isAnonymous()) {
			logger.warn("No push.gateway.auth.jwt key, no ReactiveJwtDecoder or TokenVerifier bean, and anonymous "
					+ "access is off: every handshake will be rejected until one of them or a PushAuthenticator "
					+ "bean is configured");
		}
		return new TokenPushAuthenticator(verifier, auth.getTokenQueryParameter(),
				auth.isAnonymous() ? (request) -> "anonymous-" + ids.nextId() : null, principalMappers.getIfUnique());
	}

	private static TokenVerifier cached(TokenVerifier verifier, AuthProperties.TokenCache cache,
			@Nullable ClassLoader classLoader) {
		if (!ClassUtils.isPresent("com.github.benmanes.caffeine.cache.Caffeine", classLoader)) {
			throw new IllegalStateException(
					"push.gateway.auth.token-cache.size needs com.github.ben-manes.caffeine:caffeine on the classpath");
		}
		return new CachingTokenVerifier(verifier, cache.getSize(), cache.getTtl());
	}

	private static @Nullable TokenVerifier jwtVerifier(AuthProperties.Jwt jwt) {
		if (jwt.getSecret() != null) {
			return JwtTokenVerifier.hmac(jwt.getSecret().getBytes(StandardCharsets.UTF_8), jwt.getIssuer(),
					jwt.getAudience(), jwt.getUidClaim(), jwt.getGuidsClaim(), jwt.getClockSkew());
		}
		if (jwt.getPublicKey() != null) {
			try {
				String pem = jwt.getPublicKey().getContentAsString(StandardCharsets.US_ASCII);
				return JwtTokenVerifier.publicKey(pem, jwt.getIssuer(), jwt.getAudience(), jwt.getUidClaim(),
						jwt.getGuidsClaim(), jwt.getClockSkew());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read push.gateway.auth.jwt.public-key", ex);
			}
		}
		return null;
	}

	@Bean
	@ConditionalOnMissingBean
	GuidAuthorizer pushGatewayGuidAuthorizer() {
		return GuidAuthorizer.DENY_ALL;
	}

}
