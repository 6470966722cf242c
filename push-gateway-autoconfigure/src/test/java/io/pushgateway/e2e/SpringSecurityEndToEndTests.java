package io.pushgateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.pushgateway.core.PushOperations;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.support.SseClient;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application has Spring Security with its own {@link SecurityWebFilterChain}: the
 * gateway's endpoints run behind it like every WebFlux endpoint. A request the chain
 * refuses never reaches the gateway (no socket, no session); one it lets through is
 * served, with the principal it authenticated as the connection's identity; the HTTP push
 * API is protected by a role instead of the shared token; CORS preflights answer as the
 * application configured them.
 *
 * @author Push Gateway team
 */
class SpringSecurityEndToEndTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static TestGateway gateway;

	@BeforeAll
	static void start() {
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.autoconfigure.exclude", null);
		properties.put("push.gateway.http-api.enabled", true);
		properties.put("push.gateway.socketio.enabled", true);
		properties.put("push.gateway.console.enabled", true);
		gateway = TestGateway.start(properties, ApplicationSecurity.class);
	}

	@AfterAll
	static void stop() {
		gateway.close();
	}

	@Test
	void theEndpointsRunBehindWebFlux() {
		assertThat(gateway.context().containsBean("pushGatewayHandlerMapping")).isTrue();
	}

	@Test
	void aHandshakeTheChainRefusesNeverReachesTheGateway() throws Exception {
		int before = gateway.bean(LocalHub.class).connectionCount();
		// a valid gateway token is not enough: the application's chain wants its users
		assertThat(TestClient.rejectedStatus(gateway.port(), "?access_token=" + Tokens.forUser("mallory"),
				"push.v1.json", Map.of()))
			.isEqualTo(401);
		assertThat(TestClient.rejectedStatus(gateway.port(), "", "push.v1.json",
				Map.of("Authorization", basic("alice", "wrong"))))
			.isEqualTo(401);
		HttpResponse<String> poll = send(
				HttpRequest.newBuilder(uri("/ws/poll/open")).POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(poll.statusCode()).isEqualTo(401);
		assertThat(poll.headers().firstValue("Push-Session")).isEmpty();
		assertThat(gateway.bean(LocalHub.class).connectionCount()).isEqualTo(before);
	}

	@Test
	void theConsoleNeedsItsRole() throws Exception {
		assertThat(send(HttpRequest.newBuilder(uri("/push-console/"))).statusCode()).isEqualTo(401);
		assertThat(send(
				HttpRequest.newBuilder(uri("/push-console/")).header("Authorization", basic("alice", "alice-password")))
			.statusCode()).as("an authenticated user without the role").isEqualTo(403);
		HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/push-console/"))
			.header("Authorization", basic("operator", "operator-password")));
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("Push Gateway console");
		assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
				(policy) -> assertThat(policy).contains("default-src 'self'").contains("frame-ancestors 'none'"));
		assertThat(send(HttpRequest.newBuilder(uri("/push-console/js/admin.js"))
			.header("Authorization", basic("alice", "alice-password"))).statusCode()).isEqualTo(403);
	}

	@Test
	void theAuthenticatedPrincipalIsTheConnectionsIdentity() {
		try (TestClient client = TestClient.connect(gateway.port(), "", "push.v1.json",
				Map.of("Authorization", basic("alice", "alice-password")))) {
			assertThat(client.next("welcome")).containsEntry("uid", "alice");
			assertThat(gateway.bean(LocalHub.class).connectionsOf("alice")).hasSize(1);
		}
	}

	@Test
	void longPollingRunsBehindTheChainToo() throws Exception {
		HttpResponse<String> open = send(HttpRequest.newBuilder(uri("/ws/poll/open"))
			.header("Authorization", basic("alice", "alice-password"))
			.POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(open.statusCode()).isEqualTo(200);
		assertThat(open.body()).contains("\"uid\":\"alice\"");
		assertThat(open.headers().firstValue("X-Content-Type-Options"))
			.as("the chain's security headers are on the gateway's responses")
			.hasValue("nosniff");
	}

	@Test
	void serverSentEventsRunBehindTheChainToo() {
		try (SseClient refused = SseClient.open(gateway.port(), "/ws/sse?access_token=" + Tokens.forUser("mallory"),
				Map.of())) {
			assertThat(refused.status()).isEqualTo(401);
		}
		try (SseClient stream = SseClient.open(gateway.port(), "/ws/sse",
				Map.of("Authorization", basic("alice", "alice-password")))) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.header("X-Content-Type-Options")).isEqualTo("nosniff");
			assertThat(stream.next("welcome")).containsEntry("uid", "alice");
			gateway.bean(PushOperations.class).pushToUser("alice", "behind-the-chain", 1).block();
			assertThat(stream.next("push")).containsEntry("_event", "behind-the-chain");
		}
	}

	@Test
	void socketIoRunsBehindTheChainWithItsPrincipal() throws Exception {
		String alice = basic("alice", "alice-password");
		assertThat(send(HttpRequest.newBuilder(uri("/socket.io/?EIO=4&transport=polling"))).statusCode())
			.as("the chain refuses the Engine.IO handshake without credentials")
			.isEqualTo(401);
		String open = send(
				HttpRequest.newBuilder(uri("/socket.io/?EIO=4&transport=polling")).header("Authorization", alice))
			.body();
		String session = "/socket.io/?EIO=4&transport=polling&sid=" + open.substring(9, open.indexOf('"', 9));
		// no token in the CONNECT: the principal the chain authenticated is the identity
		assertThat(send(HttpRequest.newBuilder(uri(session))
			.header("Authorization", alice)
			.POST(HttpRequest.BodyPublishers.ofString("40"))).body()).isEqualTo("ok");
		String connected = send(HttpRequest.newBuilder(uri(session)).header("Authorization", alice)).body();
		assertThat(connected).startsWith("40{\"sid\":\"");
		long socketId = Long.parseLong(connected.substring(10, connected.indexOf('"', 10)));
		assertThat(gateway.bean(LocalHub.class).connection(socketId).uid()).isEqualTo("alice");
		send(HttpRequest.newBuilder(uri(session))
			.header("Authorization", alice)
			.POST(HttpRequest.BodyPublishers.ofString("1")));
	}

	@Test
	void theHttpPushApiIsProtectedByARole() throws Exception {
		try (TestClient client = TestClient.connect(gateway.port(), "", "push.v1.json",
				Map.of("Authorization", basic("alice", "alice-password")))) {
			client.next("welcome");
			assertThat(push(basic("service", "service-password")).statusCode()).isEqualTo(200);
			assertThat(client.next("push")).containsEntry("ev", "secured").containsEntry("d", Map.of("n", 1));
		}
		assertThat(push(basic("viewer", "viewer-password")).statusCode()).as("authenticated, without the role")
			.isEqualTo(403);
		assertThat(push(null).statusCode()).isEqualTo(401);
	}

	@Test
	void corsPreflightsAnswerAsTheApplicationConfiguredThem() throws Exception {
		HttpResponse<String> allowed = send(preflight("https://app.example.test"));
		assertThat(allowed.statusCode()).isEqualTo(200);
		assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.test");
		HttpResponse<String> refused = send(preflight("https://evil.example.test"));
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
	}

	private static HttpRequest.Builder preflight(String origin) {
		return HttpRequest.newBuilder(uri("/push-api/broadcast?event=x"))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", origin)
			.header("Access-Control-Request-Method", "POST");
	}

	private static HttpResponse<String> push(String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri("/push-api/users/alice?event=secured"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}"));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return send(request);
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(String path) {
		return URI.create("http://127.0.0.1:" + gateway.port() + path);
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * An application's security: its users, a role for the push API, CORS for one origin.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableWebFluxSecurity
	static class ApplicationSecurity {

		@Bean
		SecurityWebFilterChain applicationSecurity(ServerHttpSecurity http) {
			return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.cors(Customizer.withDefaults())
				.httpBasic(Customizer.withDefaults())
				.authorizeExchange((exchanges) -> exchanges.pathMatchers("/push-api/**")
					.hasRole("PUSHER")
					.anyExchange()
					.authenticated())
				.build();
		}

		@Bean
		MapReactiveUserDetailsService users() {
			return new MapReactiveUserDetailsService(
					User.withUsername("alice").password("{noop}alice-password").roles("USER").build(),
					User.withUsername("viewer").password("{noop}viewer-password").roles("USER").build(),
					User.withUsername("service").password("{noop}service-password").roles("PUSHER").build(),
					User.withUsername("operator").password("{noop}operator-password").roles("PUSH_ADMIN").build());
		}

		@Bean
		CorsConfigurationSource corsConfigurationSource() {
			CorsConfiguration cors = new CorsConfiguration();
			cors.setAllowedOrigins(List.of("https://app.example.test"));
			cors.setAllowedMethods(List.of("GET", "POST"));
			cors.addAllowedHeader("*");
			UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
			source.registerCorsConfiguration("/**", cors);
			return source;
		}

	}

}
