package io.pushgateway.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.PushPrincipal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JwtTokenVerifierTests {

	private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();

	private final JwtTokenVerifier verifier = JwtTokenVerifier.hmac(SECRET, "issuer", null, "sub", "guids",
			Duration.ofSeconds(5));

	private static JWTClaimsSet.Builder claims() {
		return new JWTClaimsSet.Builder().subject("alice")
			.issuer("issuer")
			.expirationTime(Date.from(Instant.now().plusSeconds(60)));
	}

	private static String hmac(JWTClaimsSet claims, byte[] secret) throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		jwt.sign(new MACSigner(secret));
		return jwt.serialize();
	}

	@Test
	void validTokenYieldsUidGuidsAndExpiry() throws Exception {
		PushPrincipal principal = this.verifier
			.principal(hmac(claims().claim("guids", List.of("d1", "d2")).build(), SECRET));
		assertThat(principal.uid()).isEqualTo("alice");
		assertThat(principal.guids()).containsExactlyInAnyOrder("d1", "d2");
		assertThat(principal.expiresAt()).isAfter(Instant.now());
	}

	@Test
	void invalidTokensAreRejectedWith401() throws Exception {
		List<String> bad = List.of(hmac(claims().build(), "another-secret-another-secret-xx".getBytes()),
				hmac(claims().expirationTime(Date.from(Instant.now().minusSeconds(60))).build(), SECRET),
				hmac(claims().issuer("someone-else").build(), SECRET),
				hmac(new JWTClaimsSet.Builder().issuer("issuer").subject("a").build(), SECRET),
				hmac(claims().subject(null).build(), SECRET), "garbage", "a.b.c");
		for (String token : bad) {
			assertThatExceptionOfType(HandshakeRejectedException.class).as(token)
				.isThrownBy(() -> this.verifier.principal(token))
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(401));
		}
	}

	@Test
	void unsignedTokenIsRejected() {
		String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
		String body = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(
					("{\"sub\":\"alice\",\"iss\":\"issuer\",\"exp\":" + (Instant.now().getEpochSecond() + 60) + "}")
						.getBytes());
		assertThatExceptionOfType(HandshakeRejectedException.class)
			.isThrownBy(() -> this.verifier.principal(header + "." + body + "."));
	}

	@Test
	void rsaSignedTokenIsVerifiedWithPemPublicKey() throws Exception {
		RSAKey key = new RSAKeyGenerator(2048).generate();
		String pem = "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(key.toRSAPublicKey().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
		JwtTokenVerifier rsa = JwtTokenVerifier.publicKey(pem, null, "push", "sub", "guids", Duration.ZERO);
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims().audience("push").build());
		jwt.sign(new RSASSASigner(key));
		assertThat(rsa.principal(jwt.serialize()).uid()).isEqualTo("alice");
		SignedJWT wrongAudience = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims().audience("x").build());
		wrongAudience.sign(new RSASSASigner(key));
		assertThatExceptionOfType(HandshakeRejectedException.class)
			.isThrownBy(() -> rsa.principal(wrongAudience.serialize()));
	}

	@Test
	void shortHmacSecretIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JwtTokenVerifier.hmac("short".getBytes(), null, null, "sub", "guids", Duration.ZERO));
	}

}
