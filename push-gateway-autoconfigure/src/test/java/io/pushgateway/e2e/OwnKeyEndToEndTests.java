package io.pushgateway.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.pushgateway.core.BanOperations;
import io.pushgateway.support.ErrorReasons;
import io.pushgateway.support.JwksServer;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's own verifier with a PEM public key, configured as docs/security.md says
 * ({@code push.gateway.auth.jwt.public-key}, {@code issuer}, {@code audience},
 * {@code clock-skew}), behind the cache of verified tokens
 * ({@code push.gateway.auth.token-cache.size}): ES256 tokens from the key's owner are
 * admitted, any other is {@code 401}; a remembered token is still refused once revoked or
 * expired.
 *
 * @author Push Gateway team
 */
class OwnKeyEndToEndTests {

	private static final String ISSUER = "https://login.example.test";

	private static final String AUDIENCE = "push";

	private static ECKey key;

	private static TestGateway gateway;

	@BeforeAll
	static void start(@TempDir Path keys) throws Exception {
		key = new ECKeyGenerator(Curve.P_256).keyID("signing-1").generate();
		Path pem = keys.resolve("public.pem");
		Files.writeString(pem, pem(key), StandardCharsets.US_ASCII);
		Map<String, Object> properties = new HashMap<>();
		properties.put("push.gateway.auth.jwt.secret", null);
		properties.put("push.gateway.auth.jwt.public-key", "file:" + pem);
		properties.put("push.gateway.auth.jwt.issuer", ISSUER);
		properties.put("push.gateway.auth.jwt.audience", AUDIENCE);
		properties.put("push.gateway.auth.jwt.clock-skew", "0s");
		properties.put("push.gateway.auth.token-cache.size", 1000);
		gateway = TestGateway.start(properties);
	}

	@AfterAll
	static void stop() {
		gateway.close();
	}

	@Test
	void tokensSignedWithTheKeyAreAdmittedAndNoOthers() throws Exception {
		try (TestClient client = TestClient.connect(gateway.port(), token(key, "alice", AUDIENCE, Map.of()))) {
			assertThat(client.next("welcome")).containsEntry("uid", "alice");
		}
		ECKey other = new ECKeyGenerator(Curve.P_256).keyID("signing-1").generate();
		// an HMAC token keyed with the public key's own PEM: the algorithm confusion
		SignedJWT confused = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
				new JWTClaimsSet.Builder().subject("mallory")
					.issuer(ISSUER)
					.audience(AUDIENCE)
					.expirationTime(Date.from(Instant.now().plusSeconds(60)))
					.build());
		confused.sign(new MACSigner(pem(key).getBytes(StandardCharsets.US_ASCII)));
		for (String token : List.of(token(other, "mallory", AUDIENCE, Map.of()),
				token(key, "mallory", "another-service", Map.of()), confused.serialize(), "not.a.jwt")) {
			var refused = ErrorReasons.refusedHandshake(gateway.port(), token);
			assertThat(refused.statusCode()).as(token).isEqualTo(401);
			assertThat(refused.body()).isEqualTo("invalid token\n");
		}
	}

	@Test
	void aRememberedTokenIsRefusedOnceRevoked() throws Exception {
		Instant now = Instant.now();
		String token = token(key, "bob", AUDIENCE, Map.of("jti", "session-1", "iat", Date.from(now)));
		for (int i = 0; i < 2; i++) {
			try (TestClient client = TestClient.connect(gateway.port(), token)) {
				assertThat(client.next("welcome")).containsEntry("uid", "bob");
			}
		}
		gateway.bean(BanOperations.class).revokeToken("bob", "session-1", now.plus(Duration.ofMinutes(10))).block();
		assertThat(TestClient.rejectedStatus(gateway.port(), "?access_token=" + token, "push.v1.json", Map.of()))
			.isEqualTo(401);
	}

	@Test
	void aRememberedTokenIsRefusedOnceExpired() throws Exception {
		// exp in whole seconds: two or three seconds from now
		Date expiry = Date.from(Instant.ofEpochSecond(Instant.now().getEpochSecond() + 3));
		String token = token(key, "carol", AUDIENCE, Map.of("exp", expiry));
		try (TestClient client = TestClient.connect(gateway.port(), token)) {
			assertThat(client.next("welcome")).containsEntry("uid", "carol");
		}
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(200))
			// admitted until it expires
			.ignoreExceptionsInstanceOf(AssertionError.class)
			.until(() -> TestClient.rejectedStatus(gateway.port(), "?access_token=" + token, "push.v1.json",
					Map.of()) == 401);
		assertThat(Instant.now()).isAfterOrEqualTo(expiry.toInstant());
	}

	private static String token(ECKey signer, String subject, String audience, Map<String, Object> claims)
			throws Exception {
		return JwksServer.token(signer, subject, ISSUER, audience, claims);
	}

	private static String pem(ECKey ec) throws Exception {
		return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(ec.toECPublicKey().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
	}

}
