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
		return sign(uid, guids, validity, secret, JWSAlgorithm.HS256);
	}

	/**
	 * A token signed with an HMAC algorithm of the caller's choice.
	 * @param uid the subject, or {@code null} for none
	 * @param guids the GUIDs claimed
	 * @param validity how long it is valid
	 * @param secret the secret, long enough for the algorithm
	 * @param algorithm HS256, HS384 or HS512
	 * @return the token
	 */
	public static String sign(String uid, List<String> guids, Duration validity, String secret,
			JWSAlgorithm algorithm) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().expirationTime(Date.from(now.plus(validity)));
		if (uid != null) {
			claims.subject(uid);
		}
		if (!guids.isEmpty()) {
			claims.claim("guids", guids);
		}
		SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims.build());
		try {
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
