package io.pushgateway.e2e;

import java.util.HashMap;
import java.util.Map;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.support.JwksServer;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resource server exactly as Spring Boot sets it up from an {@code application.yml}
 * and nothing else: Boot's default chain requires a JWT on every request, the gateway's
 * included. A client that sends its token in the {@code Authorization} header connects as
 * the token's subject; a browser's {@code ?access_token=} is refused by that chain until
 * the application accepts it ({@code docs/security.md}).
 *
 * @author Push Gateway team
 */
class ResourceServerDefaultsEndToEndTests {

	private static final String ISSUER = "https://idp.example.test/realms/defaults";

	private static JwksServer idp;

	private static TestGateway gateway;

	private static RSAKey key;

	@BeforeAll
	static void start() throws Exception {
		key = new RSAKeyGenerator(2048).keyID("defaults-1").generate();
		idp = JwksServer.start();
		idp.publish(new JWKSet(key.toPublicJWK()));
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.autoconfigure.exclude", null);
		properties.put("push.gateway.auth.jwt.secret", null);
		properties.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", idp.uri());
		properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER);
		gateway = TestGateway.start(properties);
	}

	@AfterAll
	static void stop() {
		gateway.close();
		idp.close();
	}

	@Test
	void aTokenInTheHeaderConnectsAsItsSubject() throws Exception {
		String token = JwksServer.token(key, "henry", ISSUER, "any", Map.of());
		try (TestClient client = TestClient.connect(gateway.port(), "", "push.v1.json",
				Map.of("Authorization", "Bearer " + token))) {
			assertThat(client.next("welcome")).containsEntry("uid", "henry");
			assertThat(gateway.bean(LocalHub.class).connectionsOf("henry")).hasSize(1);
		}
	}

	@Test
	void bootsDefaultChainRefusesATokenInTheQuery() throws Exception {
		String token = JwksServer.token(key, "irene", ISSUER, "any", Map.of());
		assertThat(TestClient.rejectedStatus(gateway.port(), "?access_token=" + token, "push.v1.json", Map.of()))
			.isEqualTo(401);
	}

}
