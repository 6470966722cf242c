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

	/**
	 * A token with an ID ({@code jti}) and an issue time ({@code iat}), which revocations
	 * name.
	 * @param uid the subject
	 * @param tokenId the token's ID
	 * @param issuedAt when it was issued
	 * @return the token, valid for 5 minutes from now
	 */
	public static String withId(String uid, String tokenId, Instant issuedAt) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(uid)
			.jwtID(tokenId)
			.issueTime(Date.from(issuedAt))
			.expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
			.build();
		return sign(claims, JWSAlgorithm.HS256, SECRET);
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
		return sign(claims.build(), algorithm, secret);
	}

	private static String sign(JWTClaimsSet claims, JWSAlgorithm algorithm, String secret) {
		SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
		try {
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
