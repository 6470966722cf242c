package io.pushgateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Security that lets the gateway's paths through ({@code permitAll}), with
 * {@code server.forward-headers-strategy=framework}: the anonymous principal identifies
 * nobody, so the gateway's own token decides; and the per-address limit counts the
 * clients WebFlux's forwarded headers name, not the proxy.
 *
 * @author Push Gateway team
 */
class PermissiveSecurityEndToEndTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static TestGateway gateway;

	@BeforeAll
	static void start() {
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.autoconfigure.exclude", null);
		properties.put("server.forward-headers-strategy", "framework");
		properties.put("push.gateway.limits.max-connections-per-ip", 1);
		gateway = TestGateway.start(properties, PermitAll.class);
	}

	@AfterAll
	static void stop() {
		gateway.close();
	}

	@Test
	void theGatewaysTokenDecidesWhenTheChainPermitsEveryone() {
		assertThat(TestClient.rejectedStatus(gateway.port(), "", "push.v1.json", Map.of())).isEqualTo(401);
		assertThat(TestClient.rejectedStatus(gateway.port(), "?access_token=forged", "push.v1.json", Map.of()))
			.isEqualTo(401);
		try (TestClient client = TestClient.connect(gateway.port(), "?access_token=" + Tokens.forUser("jill"),
				"push.v1.json", Map.of("X-Forwarded-For", "198.51.100.1"))) {
			assertThat(client.next("welcome")).containsEntry("uid", "jill");
		}
	}

	@Test
	void thePerAddressLimitCountsTheForwardedClients() throws Exception {
		assertThat(openFor("203.0.113.7")).isEqualTo(200);
		assertThat(openFor("203.0.113.8")).isEqualTo(200);
		assertThat(openFor("203.0.113.7")).isEqualTo(429);
	}

	private static int openFor(String client) throws Exception {
		return HTTP.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/ws/poll/open?access_token="
					+ Tokens.forUser("k-" + client)))
			.header("X-Forwarded-For", client)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
	}

	/** An application whose chain leaves the gateway's paths to the gateway. */
	@Configuration(proxyBeanMethods = false)
	@EnableWebFluxSecurity
	static class PermitAll {

		@Bean
		SecurityWebFilterChain permitAll(ServerHttpSecurity http) {
			return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.build();
		}

	}

}
