package io.pushgateway.e2e;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.pushgateway.auth.JwtDecoderTokenVerifier;
import io.pushgateway.auth.TokenVerifier;
import io.pushgateway.support.ErrorReasons;
import io.pushgateway.support.JwksServer;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens from an identity provider: the application configures Spring Boot's resource
 * server with {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri} (a JWKS
 * endpoint served here by the JDK's HTTP server), {@code issuer-uri}, {@code audiences}
 * and {@code jws-algorithms}, and Boot makes the {@code ReactiveJwtDecoder}; the gateway
 * has no key of its own and verifies handshakes with that decoder. Keys rotate without a
 * restart; a removed key, a wrong issuer or audience is {@code 401}; an identity provider
 * that cannot be reached is {@code 503}.
 *
 * @author Push Gateway team
 */
class IdentityProviderEndToEndTests {

	private static final String ISSUER = "https://idp.example.test/realms/push";

	private static final String AUDIENCE = "push-gateway";

	private static JwksServer idp;

	private static TestGateway gateway;

	private static RSAKey rsa;

	private static ECKey ec;

	@BeforeAll
	static void start() throws Exception {
		rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
		ec = new ECKeyGenerator(Curve.P_256).keyID("ec-2").generate();
		idp = JwksServer.start();
		Map<String, Object> properties = new HashMap<>();
		properties.put("push.gateway.auth.jwt.secret", null);
		// as in docs/security.md: Boot makes the decoder from these
		properties.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", idp.uri());
		properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER);
		properties.put("spring.security.oauth2.resourceserver.jwt.audiences", AUDIENCE);
		properties.put("spring.security.oauth2.resourceserver.jwt.jws-algorithms", "RS256,ES256");
		gateway = TestGateway.start(properties);
	}

	@AfterAll
	static void stop() {
		gateway.close();
		idp.close();
	}

	@BeforeEach
	void publishTheFirstKey() {
		idp.publish(new JWKSet(rsa.toPublicJWK()));
	}

	@Test
	void theApplicationsDecoderVerifiesHandshakes() throws Exception {
		assertThat(gateway.bean(TokenVerifier.class)).isInstanceOf(JwtDecoderTokenVerifier.class);
		try (TestClient client = TestClient.connect(gateway.port(), token(rsa, "alice", ISSUER, AUDIENCE))) {
			assertThat(client.next("welcome")).containsEntry("uid", "alice");
		}
	}

	@Test
	void aNewKeyIsUsedWithoutRestartAndARemovedKeyIsRefused() throws Exception {
		String oldKeyToken = token(rsa, "bob", ISSUER, AUDIENCE);
		try (TestClient client = TestClient.connect(gateway.port(), oldKeyToken)) {
			client.next("welcome");
		}
		int fetchesBefore = idp.fetches();
		idp.publish(new JWKSet(ec.toPublicJWK()));

		try (TestClient client = TestClient.connect(gateway.port(), token(ec, "carol", ISSUER, AUDIENCE))) {
			assertThat(client.next("welcome")).containsEntry("uid", "carol");
		}
		assertThat(idp.fetches()).as("the unknown key ID made the decoder fetch the key set again")
			.isGreaterThan(fetchesBefore);
		assertThat(rejectedStatus(oldKeyToken)).as("signed with a key the identity provider removed").isEqualTo(401);
	}

	@Test
	void aWrongIssuerAudienceOrSignatureIsRefused() throws Exception {
		assertThat(rejectedStatus(token(rsa, "dave", "https://elsewhere.example.test", AUDIENCE))).isEqualTo(401);
		assertThat(rejectedStatus(token(rsa, "dave", ISSUER, "another-service"))).isEqualTo(401);
		RSAKey impostor = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
		assertThat(rejectedStatus(token(impostor, "dave", ISSUER, AUDIENCE))).isEqualTo(401);
		// the reason is the same for all, and names nothing of the decoder's
		for (String token : List.of(token(rsa, "dave", "https://elsewhere.example.test", AUDIENCE),
				token(rsa, "dave", ISSUER, "another-service"), token(impostor, "dave", ISSUER, AUDIENCE),
				"not.a.jwt")) {
			HttpResponse<String> refused = ErrorReasons.refusedHandshake(gateway.port(), token);
			assertThat(refused.statusCode()).isEqualTo(401);
			assertThat(refused.body()).isEqualTo("invalid token\n");
		}
	}

	@Test
	void anIdentityProviderThatCannotBeReachedIsServiceUnavailable() throws Exception {
		// a key ID the decoder has not seen makes it fetch the key set, which fails
		idp.publish(null);
		ECKey unseen = new ECKeyGenerator(Curve.P_256).keyID("ec-unseen").generate();
		assertThat(rejectedStatus(token(unseen, "erin", ISSUER, AUDIENCE))).isEqualTo(503);
	}

	private static int rejectedStatus(String token) {
		return TestClient.rejectedStatus(gateway.port(), "?access_token=" + token, "push.v1.json", Map.of());
	}

	private static String token(JWK key, String subject, String issuer, String audience) throws JOSEException {
		return JwksServer.token(key, subject, issuer, audience, Map.of());
	}

}
