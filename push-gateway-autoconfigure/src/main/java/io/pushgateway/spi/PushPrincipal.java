package io.pushgateway.spi;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The authenticated party behind a connection: the user ID, the GUIDs the credential
 * itself grants, when the credential expires, and what identifies the credential for a
 * revocation (its ID and when it was issued).
 *
 * @param uid the user ID
 * @param guids GUIDs to attach at connect time without asking the {@link GuidAuthorizer}
 * @param expiresAt when the connection must end because its credential expired (for JWTs:
 * the {@code exp} claim plus the tolerated clock skew), or {@code null}
 * @param tokenId the credential's ID (for JWTs: the {@code jti} claim), which a
 * revocation of that one token names; or {@code null}
 * @param issuedAt when the credential was issued (for JWTs: the {@code iat} claim), which
 * a revocation of a user's tokens issued before a time compares; or {@code null}
 * @author Push Gateway team
 */
public record PushPrincipal(String uid, Set<String> guids, @Nullable Instant expiresAt, @Nullable String tokenId,
		@Nullable Instant issuedAt) {

	public PushPrincipal {
		if (uid == null || uid.isEmpty()) {
			throw new IllegalArgumentException("uid must not be empty");
		}
		guids = Set.copyOf(guids);
	}

	/**
	 * Create a principal whose credential has no ID and no issue time.
	 * @param uid the user ID
	 * @param guids the GUIDs to attach at connect time
	 * @param expiresAt when the connection must end, or {@code null}
	 */
	public PushPrincipal(String uid, Set<String> guids, @Nullable Instant expiresAt) {
		this(uid, guids, expiresAt, null, null);
	}

	/**
	 * A principal with no GUIDs and no expiry.
	 * @param uid the user ID
	 * @return the principal
	 */
	public static PushPrincipal of(String uid) {
		return new PushPrincipal(uid, Set.of(), null);
	}

}
