package io.pushgateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.pushgateway.support.JwksServer;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/security.md}'s resource-server chain, as a reader copies it: Spring
 * Security authenticates the gateway's endpoints with the identity provider's JWTs
 * (header, or {@code ?access_token=} for browsers), the token's claims become the
 * connection's identity, and the push API needs the {@code push} scope.
 *
 * @author Push Gateway team
 */
class ResourceServerEndToEndTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final String ISSUER = "https://idp.example.test/realms/shop";

	private static JwksServer idp;

	private static TestGateway gateway;

	private static RSAKey key;

	@BeforeAll
	static void start() throws Exception {
		key = new RSAKeyGenerator(2048).keyID("shop-1").generate();
		idp = JwksServer.start();
		idp.publish(new JWKSet(key.toPublicJWK()));
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.autoconfigure.exclude", null);
		properties.put("push.gateway.auth.jwt.secret", null);
		properties.put("push.gateway.http-api.enabled", true);
		properties.put("idp.jwk-set-uri", idp.uri());
		gateway = TestGateway.start(properties, DocumentedSecurity.class);
	}

	@AfterAll
	static void stop() {
		gateway.close();
		idp.close();
	}

	@Test
	void aBrowserConnectsWithItsTokenInTheQueryAndTheClaimsAreItsIdentity() throws Exception {
		String token = JwksServer.token(key, "alice", ISSUER, "shop", Map.of("guids", List.of("doc-1")));
		try (TestClient client = TestClient.connect(gateway.port(), token)) {
			Map<String, Object> welcome = client.next("welcome");
			assertThat(welcome).containsEntry("uid", "alice");
			assertThat(welcome.get("g")).isEqualTo(List.of("doc-1"));
		}
		assertThat(TestClient.rejectedStatus(gateway.port(), "", "push.v1.json", Map.of())).isEqualTo(401);
		assertThat(TestClient.rejectedStatus(gateway.port(), "?access_token=" + token + "x", "push.v1.json", Map.of()))
			.isEqualTo(401);
	}

	@Test
	void thePushApiNeedsThePushScope() throws Exception {
		try (TestClient client = TestClient.connect(gateway.port(),
				JwksServer.token(key, "bob", ISSUER, "shop", Map.of()))) {
			client.next("welcome");
			String service = JwksServer.token(key, "orders-service", ISSUER, "shop", Map.of("scope", "push"));
			assertThat(push(service).statusCode()).isEqualTo(200);
			assertThat(client.next("push")).containsEntry("ev", "shipped");
		}
		assertThat(push(JwksServer.token(key, "bob", ISSUER, "shop", Map.of("scope", "profile"))).statusCode())
			.isEqualTo(403);
	}

	private static HttpResponse<String> push(String token) throws Exception {
		return HTTP.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/push-api/users/bob?event=shipped"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * The chain of {@code docs/security.md}, and the decoder Boot makes from
	 * {@code jwk-set-uri}.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableWebFluxSecurity
	static class DocumentedSecurity {

		@Bean
		SecurityWebFilterChain security(ServerHttpSecurity http) {
			return http
				.csrf((csrf) -> csrf.requireCsrfProtectionMatcher(new NegatedServerWebExchangeMatcher(
						ServerWebExchangeMatchers.pathMatchers("/ws", "/ws/poll/**", "/push-api/**"))))
				.cors(Customizer.withDefaults())
				.oauth2ResourceServer(
						(oauth2) -> oauth2.jwt(Customizer.withDefaults()).bearerTokenConverter(bearerTokens()))
				.authorizeExchange((exchanges) -> exchanges.pathMatchers("/push-api/**")
					.hasAuthority("SCOPE_push")
					.pathMatchers("/ws", "/ws/poll/**")
					.authenticated()
					.anyExchange()
					.authenticated())
				.build();
		}

		static ServerBearerTokenAuthenticationConverter bearerTokens() {
			ServerBearerTokenAuthenticationConverter converter = new ServerBearerTokenAuthenticationConverter();
			converter.setAllowUriQueryParameter(true);
			return converter;
		}

		@Bean
		ReactiveJwtDecoder jwtDecoder(Environment environment) {
			return NimbusReactiveJwtDecoder.withJwkSetUri(environment.getRequiredProperty("idp.jwk-set-uri")).build();
		}

		@Bean
		CorsConfigurationSource corsConfigurationSource() {
			CorsConfiguration cors = new CorsConfiguration();
			cors.setAllowedOrigins(List.of("https://app.example.test"));
			UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
			source.registerCorsConfiguration("/**", cors);
			return source;
		}

	}

}
