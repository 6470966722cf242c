package io.pushgateway.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.PushPrincipal;
import org.jspecify.annotations.Nullable;

/**
 * How a verified token's claims become a connection's identity, the same whichever
 * verifier checked the token: the uid from the uid claim, the GUIDs from the GUID claim
 * (a string array), an end at the token's expiry plus the tolerated clock skew, and the
 * token's ID ({@code jti}) and issue time ({@code iat}), which revocations name.
 *
 * @param uidClaim the claim holding the uid
 * @param guidsClaim the claim holding the GUIDs
 * @param clockSkew added to the expiry at which the connection ends
 * @author Push Gateway team
 */
record TokenClaims(String uidClaim, String guidsClaim, Duration clockSkew) {

	/**
	 * The reason a client gets for a token that fails verification, whatever failed: a
	 * library's words stay in the server's debug log.
	 */
	static final String INVALID_TOKEN = "invalid token";

	/**
	 * The identity in a token's claims.
	 * @param claims the claims
	 * @param expiry the token's expiry, or {@code null}
	 * @param fallbackUid the uid when the claims hold none, or {@code null} to refuse
	 * such a token
	 * @return the identity
	 * @throws HandshakeRejectedException ({@code 401}) without a uid claim or a fallback
	 */
	PushPrincipal principal(Map<String, ?> claims, @Nullable Instant expiry, @Nullable String fallbackUid) {
		Object claimed = claims.get(this.uidClaim);
		Set<String> guids = new LinkedHashSet<>();
		if (claims.get(this.guidsClaim) instanceof Collection<?> values) {
			values.forEach((value) -> guids.add(String.valueOf(value)));
		}
		Object tokenId = claims.get("jti");
		return principal((claimed instanceof String text) ? text : null, fallbackUid, guids, expiry,
				(tokenId instanceof String id) ? id : null, instant(claims.get("iat")));
	}

	/**
	 * The identity in a token's claims, read one by one.
	 * @param uid the uid claim, or {@code null} when it is not a string
	 * @param fallbackUid the uid when the claims hold none, or {@code null} to refuse
	 * such a token
	 * @param guids the GUID claim's values
	 * @param expiry the token's expiry, or {@code null}
	 * @param tokenId the {@code jti} claim, or {@code null}
	 * @param issuedAt the {@code iat} claim, or {@code null}
	 * @return the identity
	 * @throws HandshakeRejectedException ({@code 401}) without a uid claim or a fallback
	 */
	PushPrincipal principal(@Nullable String uid, @Nullable String fallbackUid, Set<String> guids,
			@Nullable Instant expiry, @Nullable String tokenId, @Nullable Instant issuedAt) {
		String effectiveUid = (uid != null && !uid.isEmpty()) ? uid : fallbackUid;
		if (effectiveUid == null) {
			throw HandshakeRejectedException.unauthorized("token has no '" + this.uidClaim + "' claim");
		}
		// the connection ends when the handshake would no longer accept the token
		return new PushPrincipal(effectiveUid, guids, (expiry != null) ? expiry.plus(this.clockSkew) : null,
				(tokenId != null && !tokenId.isEmpty()) ? tokenId : null, issuedAt);
	}

	/*
	 * A time claim as each library hands it over: Nimbus as a Date, Spring Security as an
	 * Instant, a bare map as seconds since the epoch.
	 */
	private static @Nullable Instant instant(@Nullable Object claim) {
		if (claim instanceof Instant instant) {
			return instant;
		}
		if (claim instanceof Date date) {
			return date.toInstant();
		}
		if (claim instanceof Number seconds) {
			return Instant.ofEpochSecond(seconds.longValue());
		}
		return null;
	}

}
