package io.pushgateway.auth;

import java.security.Principal;
import java.util.function.Predicate;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Whether a Spring Security principal may see the console: it holds the console's role
 * ({@code ROLE_} and the configured name).
 *
 * @author Push Gateway team
 */
public final class ConsoleRole implements Predicate<Principal> {

	private final String authority;

	/**
	 * Create the check.
	 * @param role the role, without the {@code ROLE_} prefix
	 */
	public ConsoleRole(String role) {
		this.authority = role.startsWith("ROLE_") ? role : "ROLE_" + role;
	}

	@Override
	public boolean test(Principal principal) {
		if (!(principal instanceof Authentication authentication) || !authentication.isAuthenticated()) {
			return false;
		}
		for (GrantedAuthority granted : authentication.getAuthorities()) {
			if (this.authority.equals(granted.getAuthority())) {
				return true;
			}
		}
		return false;
	}

}
