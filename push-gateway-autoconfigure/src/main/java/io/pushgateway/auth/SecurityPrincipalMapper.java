package io.pushgateway.auth;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;

import io.pushgateway.spi.PushPrincipal;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.util.ClassUtils;

/**
 * The default {@link PrincipalMapper}: a JWT (resource server) or an introspected token
 * gives the uid and the GUIDs from the same claims as the gateway's own tokens
 * ({@code push.gateway.auth.jwt.uid-claim}, {@code guids-claim}) and its expiry ends the
 * connection; any other authenticated principal is the user its name says, without GUIDs
 * or expiry. An anonymous authentication identifies nobody.
 *
 * @author Push Gateway team
 */
public final class SecurityPrincipalMapper implements PrincipalMapper {

	private static final boolean JWT_PRESENT = ClassUtils.isPresent("org.springframework.security.oauth2.jwt.Jwt",
			SecurityPrincipalMapper.class.getClassLoader());

	private static final boolean OAUTH2_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal",
			SecurityPrincipalMapper.class.getClassLoader());

	private final TokenClaims tokenClaims;

	/**
	 * Create a mapper.
	 * @param uidClaim the claim or attribute holding the uid
	 * @param guidsClaim the claim or attribute holding the GUIDs
	 * @param clockSkew added to a token's expiry at which the connection ends
	 */
	public SecurityPrincipalMapper(String uidClaim, String guidsClaim, Duration clockSkew) {
		this.tokenClaims = new TokenClaims(uidClaim, guidsClaim, clockSkew);
	}

	/**
	 * Whether a principal identifies someone: not an anonymous or unauthenticated Spring
	 * Security authentication.
	 * @param principal the principal
	 * @return {@code true} when it identifies a user
	 */
	public static boolean isAuthenticated(Principal principal) {
		return !(principal instanceof AnonymousAuthenticationToken)
				&& !(principal instanceof Authentication authentication && !authentication.isAuthenticated());
	}

	@Override
	public Mono<PushPrincipal> map(Principal principal) {
		if (!isAuthenticated(principal)) {
			return Mono.empty();
		}
		if (principal instanceof Authentication authentication) {
			Object details = authentication.getPrincipal();
			if (JWT_PRESENT && details instanceof Jwt jwt) {
				return Mono.just(this.tokenClaims.principal(jwt.getClaims(), jwt.getExpiresAt(), principal.getName()));
			}
			if (OAUTH2_PRESENT && details instanceof OAuth2AuthenticatedPrincipal token) {
				Object expiry = token.getAttributes().get("exp");
				return Mono.just(this.tokenClaims.principal(token.getAttributes(),
						(expiry instanceof Instant instant) ? instant : null, principal.getName()));
			}
		}
		return Mono.just(PushPrincipal.of(principal.getName()));
	}

}
