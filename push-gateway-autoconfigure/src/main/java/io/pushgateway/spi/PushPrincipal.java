package io.pushgateway.spi;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The authenticated party behind a connection: the user ID, the GUIDs the credential
 * itself grants, and when the credential expires.
 *
 * @param uid the user ID
 * @param guids GUIDs to attach at connect time without asking the {@link GuidAuthorizer}
 * @param expiresAt when the connection must end because its credential expired (for JWTs:
 * the {@code exp} claim plus the tolerated clock skew), or {@code null}
 * @author Push Gateway team
 */
public record PushPrincipal(String uid, Set<String> guids, @Nullable Instant expiresAt) {

	public PushPrincipal {
		if (uid == null || uid.isEmpty()) {
			throw new IllegalArgumentException("uid must not be empty");
		}
		guids = Set.copyOf(guids);
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
