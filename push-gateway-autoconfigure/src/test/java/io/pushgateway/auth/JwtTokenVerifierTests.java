package io.pushgateway.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Random;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
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

	/* A token with exactly this header and payload JSON, signed with the test secret. */
	private static String raw(String header, String payload) throws Exception {
		Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
		String input = base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
				+ base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
		return input + "." + new MACSigner(SECRET).sign(new JWSHeader(JWSAlgorithm.HS256),
				input.getBytes(StandardCharsets.US_ASCII));
	}

	private static String payload(String extra) {
		return "{\"sub\":\"alice\",\"iss\":\"issuer\",\"exp\":" + (Instant.now().getEpochSecond() + 60) + extra + "}";
	}

	@Test
	void claimsAreReadAsTheSpecificationsAllow() throws Exception {
		String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"any\",\"x\":{\"y\":[1]}}";
		long issued = Instant.now().getEpochSecond() - 10;
		PushPrincipal principal = this.verifier.principal(raw(header, payload(",\"jti\":\"t-1\",\"iat\":" + issued
				+ ".5,\"guids\":[\"d1\",7],\"nbf\":" + (issued + 12) + ",\"other\":{\"sub\":\"mallory\"}")));
		assertThat(principal.uid()).isEqualTo("alice");
		assertThat(principal.guids()).containsExactlyInAnyOrder("d1", "7");
		assertThat(principal.tokenId()).isEqualTo("t-1");
		assertThat(principal.issuedAt()).isEqualTo(Instant.ofEpochSecond(issued));
		assertThat(this.verifier.principal(raw("{\"alg\":\"HS256\",\"typ\":\"jwt\"}", payload(""))).uid())
			.isEqualTo("alice");
	}

	@Test
	void malformedOrAmbiguousTokensAreRejectedWith401() throws Exception {
		long now = Instant.now().getEpochSecond();
		String hs256 = "{\"alg\":\"HS256\"}";
		List<String> bad = List.of(raw("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", payload("")),
				raw("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", payload("")),
				raw("{\"alg\":\"HS256\",\"alg\":\"HS256\"}", payload("")), raw("[\"HS256\"]", payload("")),
				raw(hs256, payload(",\"sub\":\"mallory\"")), raw(hs256, payload(",\"exp\":" + (now + 90))),
				raw(hs256, "{\"sub\":\"alice\",\"iss\":\"issuer\",\"exp\":\"" + (now + 60) + "\"}"),
				raw(hs256, payload(",\"nbf\":" + (now + 60))), raw(hs256, payload(",\"iss\":\"issuer\"")),
				raw(hs256, payload("") + "{}"), raw(hs256, payload("").replace("}", "")), raw(hs256, "[]"),
				raw(hs256, payload(",\"aud\":7")), raw(hs256, "{\"sub\":\"alice\",\"iss\":\"issuer\"}"),
				raw(hs256, "{\"iss\":\"issuer\",\"exp\":" + (now + 60) + "}"), raw("{\"alg\":\"HS512\"}", payload("")),
				raw("{\"alg\":\"RS256\"}", payload("")));
		for (String token : bad) {
			assertThatExceptionOfType(HandshakeRejectedException.class).as(token)
				.isThrownBy(() -> this.verifier.principal(token))
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(401));
		}
		String good = raw(hs256, payload(""));
		assertThat(this.verifier.principal(good).uid()).isEqualTo("alice");
		// the same token with its parts altered in ways a lenient decoder would pass
		for (String token : List.of(good + "=", good.replace(".", "..").replaceFirst("\\.\\.", "."), good + ".",
				"%" + good, good.substring(0, good.length() - 2))) {
			assertThatExceptionOfType(HandshakeRejectedException.class).as(token)
				.isThrownBy(() -> this.verifier.principal(token));
		}
	}

	@Test
	void anyMutationOfATokenIsAcceptedOrRefusedWith401AndNothingElse() throws Exception {
		// signed mutations reach the JSON reader; unsigned ones the parts and the
		// signature
		Random random = new Random(29);
		String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
		String payload = payload(
				",\"guids\":[\"d1\",2,{\"x\":null}],\"nbf\":1,\"iat\":2.5,\"jti\":\"j\",\"aud\":[\"a\"]");
		String alphabet = "{}[]\":,.-+eE0123456789 \\ntruefalsnul\u00e9\u0000";
		int accepted = 0;
		for (int i = 0; i < 5000; i++) {
			boolean inHeader = random.nextInt(4) == 0;
			StringBuilder mutated = new StringBuilder(inHeader ? header : payload);
			for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
				int at = random.nextInt(mutated.length());
				char c = alphabet.charAt(random.nextInt(alphabet.length()));
				switch (random.nextInt(3)) {
					case 0 -> mutated.setCharAt(at, c);
					case 1 -> mutated.insert(at, c);
					default -> mutated.deleteCharAt(at);
				}
			}
			String token = inHeader ? raw(mutated.toString(), payload) : raw(header, mutated.toString());
			if (random.nextInt(5) == 0) {
				char[] chars = token.toCharArray();
				chars[random.nextInt(chars.length)] = "A_-.=%\u00ff".charAt(random.nextInt(7));
				token = new String(chars);
			}
			try {
				assertThat(this.verifier.principal(token).uid()).isNotEmpty();
				accepted++;
			}
			catch (HandshakeRejectedException ex) {
				assertThat(ex.getStatus()).isEqualTo(401);
			}
		}
		// some mutations leave a valid token (whitespace, another guid), most do not
		assertThat(accepted).isBetween(1, 4999);
	}

	@Test
	void clockSkewAppliesToExpiryAndNotBefore() throws Exception {
		long now = Instant.now().getEpochSecond();
		String hs256 = "{\"alg\":\"HS256\"}";
		String nearlyExpired = raw(hs256, "{\"sub\":\"a\",\"iss\":\"issuer\",\"exp\":" + (now - 2) + "}");
		assertThat(this.verifier.principal(nearlyExpired).expiresAt()).isEqualTo(Instant.ofEpochSecond(now + 3));
		assertThat(this.verifier.principal(raw(hs256, payload(",\"nbf\":" + (now + 3)))).uid()).isEqualTo("alice");
	}

	@Test
	void ecSignedTokenIsVerifiedWithPemPublicKeyAndNoOtherAlgorithm() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		String pem = "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(key.toECPublicKey().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
		JwtTokenVerifier ec = JwtTokenVerifier.publicKey(pem, "issuer", null, "sub", "guids", Duration.ZERO);
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims().build());
		jwt.sign(new ECDSASigner(key));
		assertThat(ec.principal(jwt.serialize()).uid()).isEqualTo("alice");
		SignedJWT otherKey = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims().build());
		otherKey.sign(new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate()));
		// an HMAC token keyed with the public key's own bytes: the algorithm confusion
		// attack
		SignedJWT confused = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
		confused.sign(new MACSigner(pem.getBytes(StandardCharsets.US_ASCII)));
		for (String token : List.of(otherKey.serialize(), confused.serialize())) {
			assertThatExceptionOfType(HandshakeRejectedException.class).as(token).isThrownBy(() -> ec.principal(token));
		}
	}

	@Test
	void rsaPssSignedTokenIsVerified() throws Exception {
		RSAKey key = new RSAKeyGenerator(2048).generate();
		String pem = "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(key.toRSAPublicKey().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
		JwtTokenVerifier rsa = JwtTokenVerifier.publicKey(pem, null, null, "sub", "guids", Duration.ZERO);
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.PS384), claims().build());
		jwt.sign(new RSASSASigner(key));
		assertThat(rsa.principal(jwt.serialize()).uid()).isEqualTo("alice");
	}

	@Test
	void shortHmacSecretIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JwtTokenVerifier.hmac("short".getBytes(), null, null, "sub", "guids", Duration.ZERO));
	}

}
