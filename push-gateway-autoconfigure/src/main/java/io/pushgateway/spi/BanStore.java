package io.pushgateway.spi;

import java.time.Instant;
import java.util.Optional;

import io.pushgateway.core.BanState;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The users refused and the credentials revoked, checked at every handshake on every
 * node: in memory on a single node, in Redis with the Redis registry (so a ban issued
 * through one node refuses the user on all of them). Live connections are closed by the
 * bus, not by the store ({@code io.pushgateway.core.BanOperations}).
 *
 * @author Push Gateway team
 */
public interface BanStore {

	/**
	 * Refuse a user, for good or until a time.
	 * @param uid the user
	 * @param until when the ban lapses, or {@code null} for a ban that lasts until lifted
	 * @return completes once every node's next check sees it
	 */
	Mono<Void> banUser(String uid, @Nullable Instant until);

	/**
	 * Lift a user's ban.
	 * @param uid the user
	 * @return completes once lifted
	 */
	Mono<Void> unbanUser(String uid);

	/**
	 * Refuse one credential of a user by its ID.
	 * @param uid the user whose credential it is
	 * @param tokenId the credential's ID ({@link PushPrincipal#tokenId()})
	 * @param until how long to remember it: the credential's own expiry is enough
	 * @return completes once every node's next check sees it
	 */
	Mono<Void> revokeToken(String uid, String tokenId, Instant until);

	/**
	 * Accept a revoked credential again.
	 * @param uid the user whose credential it is
	 * @param tokenId the credential's ID
	 * @return completes once restored
	 */
	Mono<Void> restoreToken(String uid, String tokenId);

	/**
	 * Refuse every credential of a user issued before a time (a "log out everywhere").
	 * @param uid the user
	 * @param before credentials issued before this are refused, and so are those that say
	 * nothing of when they were issued
	 * @return completes once every node's next check sees it
	 */
	Mono<Void> revokeIssuedBefore(String uid, Instant before);

	/**
	 * Lift a revocation of a user's credentials issued before a time.
	 * @param uid the user
	 * @return completes once lifted
	 */
	Mono<Void> restoreIssuedBefore(String uid);

	/**
	 * What refuses a principal, if anything.
	 * @param principal an authenticated principal
	 * @return why it is refused, or an empty {@link Optional} when it is not
	 */
	Mono<Optional<Refusal>> check(PushPrincipal principal);

	/**
	 * What a user's bans and revocations are now, for an operator.
	 * @param uid the user
	 * @return the user's state
	 */
	Mono<BanState> state(String uid);

	/**
	 * Why a principal is refused.
	 */
	enum Refusal {

		/** The user is banned. */
		BANNED,

		/** The credential was revoked, by its ID or by when it was issued. */
		REVOKED

	}

}
