package io.pushgateway.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.PushPrincipal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Verifies signed JWTs with Nimbus JOSE + JWT: an HMAC secret (HS256/384/512) or an RSA
 * or EC public key (RS*, PS*, ES*). The token must carry an expiry and the uid claim
 * ({@code sub} by default); the GUID claim ({@code guids} by default, a string array) is
 * optional.
 *
 * @author Push Gateway team
 */
public final class JwtTokenVerifier implements TokenVerifier {

	private static final Log logger = LogFactory.getLog(JwtTokenVerifier.class);

	private final DefaultJWTProcessor<SecurityContext> processor;

	private final TokenClaims tokenClaims;

	private JwtTokenVerifier(JWKSource<SecurityContext> keys, Set<JWSAlgorithm> algorithms, @Nullable String issuer,
			@Nullable String audience, String uidClaim, String guidsClaim, Duration clockSkew) {
		this.processor = new DefaultJWTProcessor<>();
		this.processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
		JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
		if (issuer != null) {
			exact.issuer(issuer);
		}
		DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
				(audience != null) ? Set.of(audience) : null, exact.build(), new HashSet<>(List.of(uidClaim, "exp")),
				null);
		claims.setMaxClockSkew((int) clockSkew.toSeconds());
		this.processor.setJWTClaimsSetVerifier(claims);
		this.tokenClaims = new TokenClaims(uidClaim, guidsClaim, clockSkew);
	}

	/**
	 * A verifier of HMAC-signed tokens.
	 * @param secret the shared secret, at least 32 bytes
	 * @param issuer the required issuer, or {@code null}
	 * @param audience the required audience, or {@code null}
	 * @param uidClaim the claim holding the uid
	 * @param guidsClaim the claim holding GUIDs
	 * @param clockSkew tolerated clock difference
	 * @return the verifier
	 */
	public static JwtTokenVerifier hmac(byte[] secret, @Nullable String issuer, @Nullable String audience,
			String uidClaim, String guidsClaim, Duration clockSkew) {
		if (secret.length < 32) {
			throw new IllegalArgumentException("The JWT secret must have at least 32 bytes (256 bits)");
		}
		return new JwtTokenVerifier(new ImmutableSecret<>(secret), new HashSet<>(JWSAlgorithm.Family.HMAC_SHA), issuer,
				audience, uidClaim, guidsClaim, clockSkew);
	}

	/**
	 * A verifier of tokens signed with an RSA or EC private key.
	 * @param publicKeyPem the public key in PEM
	 * @param issuer the required issuer, or {@code null}
	 * @param audience the required audience, or {@code null}
	 * @param uidClaim the claim holding the uid
	 * @param guidsClaim the claim holding GUIDs
	 * @param clockSkew tolerated clock difference
	 * @return the verifier
	 */
	public static JwtTokenVerifier publicKey(String publicKeyPem, @Nullable String issuer, @Nullable String audience,
			String uidClaim, String guidsClaim, Duration clockSkew) {
		PublicKey publicKey = readPublicKey(publicKeyPem);
		JWK key;
		Set<JWSAlgorithm> algorithms = new HashSet<>();
		if (publicKey instanceof RSAPublicKey rsa) {
			key = new RSAKey.Builder(rsa).build();
			algorithms.addAll(JWSAlgorithm.Family.RSA);
		}
		else if (publicKey instanceof ECPublicKey ec) {
			key = new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
			algorithms.addAll(JWSAlgorithm.Family.EC);
		}
		else {
			throw new IllegalArgumentException("The JWT public key must be an RSA or EC key");
		}
		return new JwtTokenVerifier(new ImmutableJWKSet<>(new JWKSet(key)), algorithms, issuer, audience, uidClaim,
				guidsClaim, clockSkew);
	}

	/*
	 * Reads a PEM "PUBLIC KEY" (X.509 SubjectPublicKeyInfo) with the JDK's key factories.
	 */
	private static PublicKey readPublicKey(String pem) {
		String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
		X509EncodedKeySpec spec;
		try {
			spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("The JWT public key is not a PEM 'PUBLIC KEY'", ex);
		}
		for (String algorithm : List.of("RSA", "EC")) {
			try {
				return KeyFactory.getInstance(algorithm).generatePublic(spec);
			}
			catch (GeneralSecurityException ex) {
				// try the next algorithm
			}
		}
		throw new IllegalArgumentException("The JWT public key is neither an RSA nor an EC key");
	}

	@Override
	public Mono<PushPrincipal> verify(String token) {
		return Mono.fromSupplier(() -> principal(token));
	}

	/**
	 * Verify a token now; verifying takes no I/O.
	 * @param token the token
	 * @return the principal
	 * @throws HandshakeRejectedException when the token is invalid
	 */
	public PushPrincipal principal(String token) {
		JWTClaimsSet claims;
		try {
			claims = this.processor.process(token, null);
		}
		catch (ParseException | BadJOSEException | JOSEException ex) {
			// Nimbus's message is for the server's log: it can tell a client about the
			// server's keys ("The secret length for HS512 must be at least 512 bits")
			if (logger.isDebugEnabled()) {
				logger.debug("Token refused: " + ex.getMessage());
			}
			throw HandshakeRejectedException.unauthorized(TokenClaims.INVALID_TOKEN);
		}
		Date expiry = claims.getExpirationTime();
		return this.tokenClaims.principal(claims.getClaims(), (expiry != null) ? expiry.toInstant() : null, null);
	}

}
