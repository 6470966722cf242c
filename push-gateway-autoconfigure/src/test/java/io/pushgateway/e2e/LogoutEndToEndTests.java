package io.pushgateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.pushgateway.auth.PushGatewayLogoutHandler;
import io.pushgateway.auth.SessionEndDisconnects;
import io.pushgateway.core.DisconnectCodes;
import io.pushgateway.core.PushOperations;
import io.pushgateway.support.RedisServer;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.data.redis.config.annotation.web.server.EnableRedisIndexedWebSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/security.md, "Logout closes sockets", as an application following it: form login
 * with Spring Session in Redis, the gateway's logout handler first in the chain's logout.
 * A logout closes the sockets opened under the session it ends and no other (another
 * session of the same user, another user); a session that expires closes its sockets too
 * (Spring Session's {@code SessionExpiredEvent}).
 *
 * @author Push Gateway team
 */
class LogoutEndToEndTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

	private static RedisServer redis;

	private static TestGateway gateway;

	private final List<TestClient> clients = new ArrayList<>();

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.autoconfigure.exclude", null);
		properties.put("spring.data.redis.port", redis.port());
		properties.put("spring.data.redis.lettuce.pool.enabled", false);
		gateway = TestGateway.start(properties, SessionSecurity.class);
	}

	@AfterAll
	static void stop() {
		gateway.close();
		redis.close();
	}

	@AfterEach
	void close() {
		this.clients.forEach(TestClient::close);
	}

	@Test
	void aLogoutClosesTheSocketsOfItsSessionAndNoOthers() throws Exception {
		String first = login("alice");
		String second = login("alice");
		String bobs = login("bob");
		assertThat(first).isNotEqualTo(second);
		TestClient underFirst = connect(first);
		TestClient alsoUnderFirst = connect(first);
		TestClient underSecond = connect(second);
		TestClient bob = connect(bobs);

		HttpResponse<String> logout = HTTP.send(HttpRequest.newBuilder(uri("/logout"))
			.header("Cookie", "SESSION=" + first)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(logout.statusCode()).isEqualTo(302);
		assertThat(List.of(underFirst.awaitClose(), alsoUnderFirst.awaitClose()))
			.containsOnly(new TestClient.Close(DisconnectCodes.DO_NOT_RECONNECT, PushGatewayLogoutHandler.REASON));

		PushOperations push = gateway.bean(PushOperations.class);
		push.pushToUser("alice", "still-here", 1).block();
		assertThat(underSecond.next("push")).containsEntry("ev", "still-here");
		push.pushToUser("bob", "still-here", 2).block();
		assertThat(bob.next("push")).containsEntry("ev", "still-here");
		assertThat(TestClient.rejectedStatus(gateway.port(), "", "push.v1.json", Map.of("Cookie", "SESSION=" + first)))
			.as("the session is gone: to the login page")
			.isEqualTo(302);
	}

	@Test
	@SuppressWarnings("unchecked")
	void theExpiryOfASessionClosesItsSockets() throws Exception {
		String alices = login("alice");
		String bobs = login("bob");
		TestClient alice = connect(alices);
		TestClient bob = connect(bobs);

		// as if alice had been idle for her session's whole lifetime
		ReactiveSessionRepository<Session> sessions = gateway.bean(ReactiveSessionRepository.class);
		Session session = sessions.findById(alices).block();
		session.setMaxInactiveInterval(Duration.ofSeconds(1));
		sessions.save(session).block();
		assertThat(alice.awaitClose())
			.isEqualTo(new TestClient.Close(DisconnectCodes.DO_NOT_RECONNECT, SessionEndDisconnects.REASON));
		gateway.bean(PushOperations.class).pushToUser("bob", "still-here", 1).block();
		assertThat(bob.next("push")).containsEntry("ev", "still-here");
	}

	private TestClient connect(String session) {
		TestClient client = TestClient.connect(gateway.port(), "", "push.v1.json",
				Map.of("Cookie", "SESSION=" + session));
		this.clients.add(client);
		client.next("welcome");
		return client;
	}

	/* Signs in with the form; returns the session the login leaves the browser with. */
	private static String login(String user) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + user + "-password"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("login of %s", user).isEqualTo(302);
		String cookie = response.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((value) -> value.startsWith("SESSION="))
			.reduce((first, last) -> last)
			.orElseThrow();
		return cookie.substring("SESSION=".length(), cookie.indexOf(';'));
	}

	private static URI uri(String path) {
		return URI.create("http://127.0.0.1:" + gateway.port() + path);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableRedisIndexedWebSession
	static class SessionSecurity {

		@Bean
		SecurityWebFilterChain applicationSecurity(ServerHttpSecurity http,
				PushGatewayLogoutHandler pushGatewayLogout) {
			return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.formLogin(Customizer.withDefaults())
				// first: before the session is invalidated
				.logout((logout) -> logout.logoutHandler((handlers) -> handlers.add(0, pushGatewayLogout)))
				.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated())
				.build();
		}

		@Bean
		MapReactiveUserDetailsService users() {
			return new MapReactiveUserDetailsService(
					User.withUsername("alice").password("{noop}alice-password").roles("USER").build(),
					User.withUsername("bob").password("{noop}bob-password").roles("USER").build());
		}

	}

}
