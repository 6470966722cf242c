package io.pushgateway.auth;

import java.security.Principal;
import java.util.function.Function;

import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.HandshakeRequest;
import io.pushgateway.spi.PushAuthenticator;
import io.pushgateway.spi.PushPrincipal;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Authenticates a handshake by a bearer token, taken from the {@code Authorization}
 * header or, for browsers (which cannot set headers on a WebSocket), from a query
 * parameter. A handshake without a token is rejected with {@code 401}, or admitted as an
 * anonymous user with a fresh uid when anonymous access is enabled. Behind Spring
 * Security's filters, a principal the application authenticated comes first, mapped by a
 * {@link PrincipalMapper}.
 *
 * @author Push Gateway team
 */
public final class TokenPushAuthenticator implements PushAuthenticator {

	private static final String BEARER = "Bearer ";

	private final @Nullable TokenVerifier verifier;

	private final String queryParameter;

	private final @Nullable Function<HandshakeRequest, String> anonymousUid;

	private final @Nullable PrincipalMapper principals;

	/**
	 * Create an authenticator that first takes the principal the application's security
	 * authenticated, when there is one.
	 * @param verifier verifies tokens, or {@code null} to reject every token
	 * @param queryParameter the query parameter that may carry the token
	 * @param anonymousUid assigns a uid to a handshake without a token, or {@code null}
	 * to reject such handshakes
	 * @param principals maps an authenticated principal to the connection's identity, or
	 * {@code null} to always use the token
	 */
	public TokenPushAuthenticator(@Nullable TokenVerifier verifier, String queryParameter,
			@Nullable Function<HandshakeRequest, String> anonymousUid, @Nullable PrincipalMapper principals) {
		this.principals = principals;
		this.verifier = verifier;
		this.queryParameter = queryParameter;
		this.anonymousUid = anonymousUid;
	}

	@Override
	public Mono<PushPrincipal> authenticate(HandshakeRequest request) {
		Principal principal = request.principal();
		if (principal != null && this.principals != null) {
			return this.principals.map(principal).switchIfEmpty(Mono.defer(() -> authenticateToken(request)));
		}
		return authenticateToken(request);
	}

	private Mono<PushPrincipal> authenticateToken(HandshakeRequest request) {
		String token = token(request);
		if (token == null) {
			if (this.anonymousUid != null) {
				return Mono.just(PushPrincipal.of(this.anonymousUid.apply(request)));
			}
			return Mono.error(HandshakeRejectedException.unauthorized("missing token"));
		}
		if (this.verifier == null) {
			return Mono.error(HandshakeRejectedException.unauthorized("no token verifier configured"));
		}
		return this.verifier.verify(token);
	}

	private @Nullable String token(HandshakeRequest request) {
		return token(request, this.queryParameter);
	}

	/**
	 * The bearer token of a handshake: from the {@code Authorization: Bearer} header,
	 * otherwise from a query parameter (browsers cannot set headers on a WebSocket). For
	 * applications that write their own {@link PushAuthenticator} and take tokens the way
	 * the gateway does.
	 * @param request the handshake
	 * @param queryParameter the query parameter, {@code access_token} by default
	 * @return the token, or {@code null} when the handshake carries none
	 */
	public static @Nullable String token(HandshakeRequest request, String queryParameter) {
		String header = request.header("Authorization");
		if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			String token = header.substring(BEARER.length()).trim();
			return token.isEmpty() ? null : token;
		}
		String parameter = request.queryParam(queryParameter);
		return (parameter == null || parameter.isEmpty()) ? null : parameter;
	}

}
