package io.pushgateway.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.PushPrincipal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Verifies signed JWTs: an HMAC secret (HS256/384/512) or an RSA or EC public key (RS*,
 * PS*, ES*). The token must carry an expiry and the uid claim ({@code sub} by default);
 * the GUID claim ({@code guids} by default, a string array) is optional. The issuer and
 * audience are checked where configured, {@code exp} and {@code nbf} with the tolerated
 * clock skew; the header's {@code typ} must be {@code JWT} or absent, a {@code crit}
 * header is refused, and {@code kid} is not consulted (one key is configured).
 * <p>
 * The signature is checked by Nimbus JOSE + JWT's verifiers; the header and claims are
 * read with Jackson's streaming parser ({@link JwtJson}) rather than through Nimbus's
 * JSON trees, which cost more than the signature itself on a handshake.
 *
 * @author Push Gateway team
 */
public final class JwtTokenVerifier implements TokenVerifier {

	private static final Log logger = LogFactory.getLog(JwtTokenVerifier.class);

	private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

	/** The header handed to the verifier for each algorithm the key allows. */
	private final Map<String, JWSHeader> headers = new HashMap<>();

	private final JWSVerifier signatures;

	private final @Nullable String issuer;

	private final @Nullable String audience;

	private final long clockSkewSeconds;

	private final TokenClaims tokenClaims;

	private JwtTokenVerifier(JWSVerifier signatures, @Nullable String issuer, @Nullable String audience,
			String uidClaim, String guidsClaim, Duration clockSkew) {
		this.signatures = signatures;
		for (JWSAlgorithm algorithm : signatures.supportedJWSAlgorithms()) {
			this.headers.put(algorithm.getName(), new JWSHeader(algorithm));
		}
		this.issuer = issuer;
		this.audience = audience;
		this.clockSkewSeconds = clockSkew.toSeconds();
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
		try {
			return new JwtTokenVerifier(new MACVerifier(secret), issuer, audience, uidClaim, guidsClaim, clockSkew);
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException("The JWT secret is not an HMAC key: " + ex.getMessage(), ex);
		}
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
		JWSVerifier signatures;
		if (publicKey instanceof RSAPublicKey rsa) {
			signatures = new RSASSAVerifier(rsa);
		}
		else if (publicKey instanceof ECPublicKey ec) {
			try {
				signatures = new ECDSAVerifier(ec);
			}
			catch (JOSEException ex) {
				throw new IllegalArgumentException("The JWT public key's curve is not supported: " + ex.getMessage(),
						ex);
			}
		}
		else {
			throw new IllegalArgumentException("The JWT public key must be an RSA or EC key");
		}
		return new JwtTokenVerifier(signatures, issuer, audience, uidClaim, guidsClaim, clockSkew);
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
		try {
			return verified(token);
		}
		catch (IllegalArgumentException | JOSEException ex) {
			// the reason is for the server's log: it can tell a client about the server's
			// keys ("The secret length for HS512 must be at least 512 bits")
			if (logger.isDebugEnabled()) {
				logger.debug("Token refused: " + ex.getMessage());
			}
			throw HandshakeRejectedException.unauthorized(TokenClaims.INVALID_TOKEN);
		}
	}

	private PushPrincipal verified(String token) throws JOSEException {
		// JWS compact serialization: three base64url parts without padding, two dots
		if (token.indexOf('=') >= 0) {
			throw new IllegalArgumentException("padding in a JWS part");
		}
		int first = token.indexOf('.');
		int second = (first > 0) ? token.indexOf('.', first + 1) : -1;
		if (second < 0 || token.indexOf('.', second + 1) >= 0) {
			throw new IllegalArgumentException("not a signed JWT");
		}
		byte[] ascii = token.getBytes(StandardCharsets.US_ASCII);
		ByteBuffer header = BASE64URL.decode(ByteBuffer.wrap(ascii, 0, first));
		JWSHeader algorithm = this.headers
			.get(JwtJson.algorithm(header.array(), header.arrayOffset(), header.remaining()));
		if (algorithm == null) {
			throw new IllegalArgumentException("algorithm not allowed for the configured key");
		}
		// the decoded buffer's array may be longer than what was decoded into it
		ByteBuffer signature = BASE64URL.decode(ByteBuffer.wrap(ascii, second + 1, ascii.length - second - 1));
		byte[] signatureBytes = Arrays.copyOfRange(signature.array(), signature.arrayOffset(),
				signature.arrayOffset() + signature.remaining());
		if (!this.signatures.verify(algorithm, Arrays.copyOf(ascii, second), Base64URL.encode(signatureBytes))) {
			throw new IllegalArgumentException("signature does not match");
		}
		ByteBuffer payload = BASE64URL.decode(ByteBuffer.wrap(ascii, first + 1, second - first - 1));
		JwtJson.Claims claims = JwtJson.claims(payload.array(), payload.arrayOffset(), payload.remaining(),
				this.tokenClaims.uidClaim(), this.tokenClaims.guidsClaim());
		check(claims);
		Long expiry = claims.expiry;
		Long issuedAt = claims.issuedAt;
		return this.tokenClaims.principal(claims.uid, null, new LinkedHashSet<>(claims.guids),
				(expiry != null) ? Instant.ofEpochSecond(expiry) : null, claims.tokenId,
				(issuedAt != null) ? Instant.ofEpochSecond(issuedAt) : null);
	}

	/* The checks Nimbus's default claims verifier made, with the same clock skew. */
	private void check(JwtJson.Claims claims) {
		long now = Instant.now().getEpochSecond();
		Long expiry = claims.expiry;
		if (expiry == null || !claims.uidPresent) {
			throw new IllegalArgumentException("token lacks 'exp' or the uid claim");
		}
		if (expiry + this.clockSkewSeconds <= now) {
			throw new IllegalArgumentException("token expired");
		}
		Long notBefore = claims.notBefore;
		if (notBefore != null && notBefore - this.clockSkewSeconds > now) {
			throw new IllegalArgumentException("token not yet valid");
		}
		if (this.issuer != null && !this.issuer.equals(claims.issuer)) {
			throw new IllegalArgumentException("issuer does not match");
		}
		List<String> audience = claims.audience;
		if (this.audience != null && (audience == null || !audience.contains(this.audience))) {
			throw new IllegalArgumentException("audience does not match");
		}
	}

}
