package io.pushgateway.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Signs test tokens.
 *
 * @author Push Gateway team
 */
public final class Tokens {

	/** The HMAC secret test gateways are configured with. */
	public static final String SECRET = "test-secret-with-at-least-thirty-two-bytes!";

	private Tokens() {
	}

	public static String forUser(String uid) {
		return sign(uid, List.of(), Duration.ofMinutes(5), SECRET);
	}

	public static String sign(String uid, List<String> guids, Duration validity, String secret) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().expirationTime(Date.from(now.plus(validity)));
		if (uid != null) {
			claims.subject(uid);
		}
		if (!guids.isEmpty()) {
			claims.claim("guids", guids);
		}
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
		try {
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
