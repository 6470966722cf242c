package io.pushgateway.hub;

import java.time.Instant;
import java.util.function.Function;

import io.pushgateway.codec.ClientFrame;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.PushPrincipal;
import reactor.core.publisher.Mono;

/**
 * A connection's credential renewed on the connection itself: the lifecycle asks for a
 * fresh one ({@link ServerFrame.Refresh}) a lead time before the current one expires, and
 * the client answers with a {@link ClientFrame.Refresh} (or sends one on its own). The
 * token is verified as a handshake's would be (authenticator, then bans); one of the same
 * user replaces the credential ({@link ServerFrame.Refreshed}); one of another user
 * closes the connection with {@value CloseCodes#CREDENTIAL_MISMATCH}; a refused one is
 * answered with error {@value ErrorCodes#REFRESH_REFUSED} and the connection still ends
 * when its current credential expires ({@value CloseCodes#TOKEN_EXPIRED}).
 *
 * @author Push Gateway team
 */
public final class CredentialRefresh {

	/** What a refresh verification that failed without a refusal is answered with. */
	static final String UNVERIFIED = "cannot verify tokens now; retry";

	private final Function<String, Mono<PushPrincipal>> verifier;

	private final long leadMillis;

	private final GatewayMetrics metrics;

	/**
	 * Refresh credentials.
	 * @param verifier verifies a token as a handshake's: the principal, empty or a
	 * {@link HandshakeRejectedException} to refuse it
	 * @param leadMillis how long before expiry the server asks for a fresh credential;
	 * {@code 0} never asks (clients may still refresh on their own)
	 * @param metrics counts the closes
	 */
	public CredentialRefresh(Function<String, Mono<PushPrincipal>> verifier, long leadMillis, GatewayMetrics metrics) {
		this.verifier = verifier;
		this.leadMillis = leadMillis;
		this.metrics = metrics;
	}

	/**
	 * Ask a connection for a fresh credential when the current one expires within the
	 * lead time; once per credential.
	 * @param connection the connection
	 * @param now the time, in milliseconds since the epoch
	 */
	void ask(PushConnection connection, long now) {
		Instant expiresAt = connection.principal().expiresAt();
		if (expiresAt == null || this.leadMillis <= 0) {
			return;
		}
		long expiry = expiresAt.toEpochMilli();
		if (expiry - this.leadMillis <= now && expiry > now && connection.askRefresh(expiry)) {
			connection.send(new ServerFrame.Refresh(expiry - now));
		}
	}

	/**
	 * Verify a fresh credential a client sent, and answer it.
	 * @param connection the connection
	 * @param refresh the client's frame
	 */
	void onRefresh(PushConnection connection, ClientFrame.Refresh refresh) {
		if (!connection.refreshing(true)) {
			connection.send(
					new ServerFrame.Error(refresh.id(), ErrorCodes.TOO_MANY_IN_FLIGHT, "a refresh is being verified"));
			return;
		}
		Mono.defer(() -> this.verifier.apply(refresh.token()))
			.switchIfEmpty(Mono.error(() -> HandshakeRejectedException.unauthorized("invalid token")))
			.subscribe((principal) -> {
				connection.refreshing(false);
				if (!principal.uid().equals(connection.uid())) {
					this.metrics.closed(CloseReason.CREDENTIAL_MISMATCH);
					connection.close(CloseCodes.CREDENTIAL_MISMATCH, "refreshed credential names another user");
					return;
				}
				connection.refreshed(principal);
				Instant expiresAt = principal.expiresAt();
				connection.send(
						new ServerFrame.Refreshed(refresh.id(), (expiresAt != null) ? expiresAt.toEpochMilli() : null));
			}, (error) -> {
				connection.refreshing(false);
				connection.send(new ServerFrame.Error(refresh.id(), ErrorCodes.REFRESH_REFUSED,
						(error instanceof HandshakeRejectedException rejected && rejected.getStatus() != 503)
								? String.valueOf(rejected.getMessage()) : UNVERIFIED));
			});
	}

}
