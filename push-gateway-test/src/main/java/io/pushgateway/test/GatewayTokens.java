package io.pushgateway.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Tokens for the gateway's built-in verifier ({@code push.gateway.auth.jwt.secret}):
 * HS256, the uid in {@code sub}, GUIDs in {@code guids}, valid for five minutes unless
 * told otherwise.
 *
 * <pre class="code">
 * String token = GatewayTokens.secret(SECRET).user("alice").guids("doc-1").sign();
 * </pre>
 *
 * @author Push Gateway team
 */
public final class GatewayTokens {

	private final byte[] secret;

	private final Map<String, Object> claims = new LinkedHashMap<>();

	private final List<String> guids = new ArrayList<>();

	private String subject = "user";

	private Duration validity = Duration.ofMinutes(5);

	private GatewayTokens(byte[] secret) {
		this.secret = secret;
	}

	/**
	 * Tokens signed with the gateway's secret.
	 * @param secret the value of {@code push.gateway.auth.jwt.secret}, at least 32 bytes
	 * @return a builder
	 */
	public static GatewayTokens secret(String secret) {
		return new GatewayTokens(secret.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * The user the token is for.
	 * @param uid the user ID ({@code sub})
	 * @return this builder
	 */
	public GatewayTokens user(String uid) {
		this.subject = uid;
		return this;
	}

	/**
	 * GUIDs the connection is attached to from the start.
	 * @param guids the GUIDs ({@code guids})
	 * @return this builder
	 */
	public GatewayTokens guids(String... guids) {
		this.guids.addAll(List.of(guids));
		return this;
	}

	/**
	 * How long the token is valid; a negative duration makes an expired token.
	 * @param validity the validity
	 * @return this builder
	 */
	public GatewayTokens validFor(Duration validity) {
		this.validity = validity;
		return this;
	}

	/**
	 * A further claim, for a gateway with other claim names or an issuer or audience.
	 * @param name the claim
	 * @param value its value
	 * @return this builder
	 */
	public GatewayTokens claim(String name, Object value) {
		this.claims.put(name, value);
		return this;
	}

	/**
	 * Sign the token.
	 * @return the compact JWT
	 */
	public String sign() {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(this.subject)
			.issueTime(new Date())
			.expirationTime(Date.from(Instant.now().plus(this.validity)));
		if (!this.guids.isEmpty()) {
			claims.claim("guids", List.copyOf(this.guids));
		}
		this.claims.forEach(claims::claim);
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
		try {
			jwt.sign(new MACSigner(this.secret));
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException("Cannot sign a token: " + ex.getMessage(), ex);
		}
		return jwt.serialize();
	}

}
