package io.pushgateway.hub;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.pushgateway.core.BanOperations;
import io.pushgateway.core.BanState;
import io.pushgateway.core.DisconnectCodes;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushTarget;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.BanStore;
import io.pushgateway.spi.ClusterMessage;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The {@link BanOperations} of a node: the {@link BanStore} refuses handshakes on every
 * node; a {@link ClusterMessage.Disconnect}, filtered to the revoked credential where one
 * is revoked, closes the live connections here and, over the bus, on every other node.
 *
 * @author Push Gateway team
 */
public final class ClusterBans implements BanOperations {

	/** The longest credential ID accepted, in characters. */
	static final int MAX_TOKEN_ID_LENGTH = 256;

	/** The longest uid a ban names, in characters (the memory store holds each). */
	static final int MAX_UID_LENGTH = 256;

	private final BanStore store;

	private final LocalHub hub;

	private final ClusterPublisher cluster;

	private final GatewayMetrics metrics;

	private final Clock clock;

	/**
	 * The bans of a node.
	 * @param store where every node's handshakes check them
	 * @param hub this node's connections
	 * @param cluster carries the disconnects to the other nodes
	 * @param metrics counts the closes
	 * @param clock the time
	 */
	public ClusterBans(BanStore store, LocalHub hub, ClusterPublisher cluster, GatewayMetrics metrics, Clock clock) {
		this.store = store;
		this.hub = hub;
		this.cluster = cluster;
		this.metrics = metrics;
		this.clock = clock;
	}

	@Override
	public Mono<Void> banUser(String uid, @Nullable Instant until) {
		return Mono.defer(() -> {
			PushTarget target = user(uid);
			if (until != null && !until.isAfter(this.clock.instant())) {
				// it would record nothing, and silently replace a ban in force
				throw new PushRejectedException("a ban's until must be in the future");
			}
			return this.store.banUser(uid, until)
				.then(disconnect(
						new ClusterMessage.Disconnect(target, DisconnectCodes.DO_NOT_RECONNECT, BANNED, null, null)));
		});
	}

	@Override
	public Mono<Void> unbanUser(String uid) {
		return Mono.defer(() -> {
			user(uid);
			return this.store.unbanUser(uid);
		});
	}

	@Override
	public Mono<Void> revokeToken(String uid, String tokenId, Instant until) {
		return Mono.defer(() -> {
			PushTarget target = user(uid);
			checkTokenId(tokenId);
			return this.store.revokeToken(uid, tokenId, until)
				.then(disconnect(new ClusterMessage.Disconnect(target, DisconnectCodes.DO_NOT_RECONNECT, REVOKED,
						tokenId, null)));
		});
	}

	@Override
	public Mono<Void> restoreToken(String uid, String tokenId) {
		return Mono.defer(() -> {
			user(uid);
			checkTokenId(tokenId);
			return this.store.restoreToken(uid, tokenId);
		});
	}

	@Override
	public Mono<Void> revokeTokensIssuedBefore(String uid, Instant before) {
		return Mono.defer(() -> {
			PushTarget target = user(uid);
			// at the precision of JWT iat claims, whole seconds: a token issued in the
			// same
			// second as the revocation is accepted, as one issued right after it must be
			Instant cutoff = before.truncatedTo(ChronoUnit.SECONDS);
			if (cutoff.isAfter(this.clock.instant())) {
				throw new PushRejectedException("issued-before must not be in the future");
			}
			return this.store.revokeIssuedBefore(uid, cutoff)
				.then(disconnect(new ClusterMessage.Disconnect(target, DisconnectCodes.DO_NOT_RECONNECT, REVOKED, null,
						cutoff)));
		});
	}

	@Override
	public Mono<Void> restoreTokensIssuedBefore(String uid) {
		return Mono.defer(() -> {
			user(uid);
			return this.store.restoreIssuedBefore(uid);
		});
	}

	@Override
	public Mono<BanState> state(String uid) {
		return Mono.defer(() -> {
			user(uid);
			return this.store.state(uid);
		});
	}

	private Mono<Void> disconnect(ClusterMessage.Disconnect disconnect) {
		return Mono.defer(() -> {
			LocalDisconnects.close(this.hub, this.metrics, disconnect);
			return this.cluster.publish(disconnect, disconnect.target());
		});
	}

	private static PushTarget user(String uid) {
		if (uid != null && uid.length() > MAX_UID_LENGTH) {
			throw new PushRejectedException("a banned uid has at most " + MAX_UID_LENGTH + " characters");
		}
		return PushTarget.user(uid);
	}

	private static void checkTokenId(String tokenId) {
		if (tokenId == null || tokenId.isEmpty() || tokenId.length() > MAX_TOKEN_ID_LENGTH) {
			throw new PushRejectedException("a token ID has 1 to " + MAX_TOKEN_ID_LENGTH + " characters");
		}
	}

}
