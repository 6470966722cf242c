package io.pushgateway.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.PushPrincipal;
import org.jspecify.annotations.Nullable;

/**
 * How a verified token's claims become a connection's identity, the same whichever
 * verifier checked the token: the uid from the uid claim, the GUIDs from the GUID claim
 * (a string array), and an end at the token's expiry plus the tolerated clock skew.
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
		String uid = (claimed instanceof String text && !text.isEmpty()) ? text : fallbackUid;
		if (uid == null) {
			throw HandshakeRejectedException.unauthorized("token has no '" + this.uidClaim + "' claim");
		}
		Set<String> guids = new LinkedHashSet<>();
		if (claims.get(this.guidsClaim) instanceof Collection<?> values) {
			values.forEach((value) -> guids.add(String.valueOf(value)));
		}
		// the connection ends when the handshake would no longer accept the token
		return new PushPrincipal(uid, guids, (expiry != null) ? expiry.plus(this.clockSkew) : null);
	}

}
