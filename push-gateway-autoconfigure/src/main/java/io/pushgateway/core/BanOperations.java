package io.pushgateway.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Refuse users and revoke credentials, on every node of the cluster: each operation is
 * recorded where every node's handshakes check it (Redis in a cluster, memory alone), and
 * closes the live connections it concerns on every node, within a second on a healthy
 * cluster, with {@value DisconnectCodes#DO_NOT_RECONNECT} (do not reconnect) and the
 * reason {@value #BANNED} or {@value #REVOKED}. A refused handshake is answered
 * {@code 403 banned} or {@code 401 token revoked}. Lifting one closes nothing; the user
 * may connect again at once.
 *
 * @author Push Gateway team
 */
public interface BanOperations {

	/** The close reason and handshake refusal of a banned user. */
	String BANNED = "banned";

	/** The close reason and handshake refusal of a revoked credential. */
	String REVOKED = "token revoked";

	/**
	 * Ban a user: refuse their handshakes and close their connections.
	 * @param uid the user
	 * @param until when the ban lapses (in the future: else a
	 * {@link PushRejectedException}), or {@code null} for a ban that lasts until lifted
	 * @return completes when the ban is recorded, this node's connections are closed and
	 * the bus has the disconnect for the others
	 */
	Mono<Void> banUser(String uid, @Nullable Instant until);

	/**
	 * Lift a user's ban.
	 * @param uid the user
	 * @return completes when lifted
	 */
	Mono<Void> unbanUser(String uid);

	/**
	 * Revoke one credential by its ID (for JWTs the {@code jti} claim): refuse it at
	 * handshakes and close the connections opened with it; the user's other credentials
	 * are untouched.
	 * @param uid the user whose credential it is
	 * @param tokenId the credential's ID
	 * @param until how long to remember the revocation; the credential's own expiry is
	 * enough
	 * @return completes as {@link #banUser(String, Instant)} does
	 */
	Mono<Void> revokeToken(String uid, String tokenId, Instant until);

	/**
	 * Accept a revoked credential again.
	 * @param uid the user whose credential it is
	 * @param tokenId the credential's ID
	 * @return completes when restored
	 */
	Mono<Void> restoreToken(String uid, String tokenId);

	/**
	 * Revoke every credential of a user issued before a time (for JWTs the {@code iat}
	 * claim; credentials without one count as issued before), as "log out everywhere"
	 * does: credentials issued afterwards are accepted. The time counts in whole seconds,
	 * the precision of {@code iat}: a credential issued in the same second is accepted.
	 * @param uid the user
	 * @param before the time, not in the future
	 * @return completes as {@link #banUser(String, Instant)} does
	 */
	Mono<Void> revokeTokensIssuedBefore(String uid, Instant before);

	/**
	 * Lift a revocation of a user's credentials issued before a time.
	 * @param uid the user
	 * @return completes when lifted
	 */
	Mono<Void> restoreTokensIssuedBefore(String uid);

	/**
	 * A user's bans and revocations now.
	 * @param uid the user
	 * @return the state
	 */
	Mono<BanState> state(String uid);

}
