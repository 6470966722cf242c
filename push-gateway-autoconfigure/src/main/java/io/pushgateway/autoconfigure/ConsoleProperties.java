package io.pushgateway.autoconfigure;

/**
 * Settings of the operator console, under {@code push.gateway.console}.
 *
 * @author Push Gateway team
 */
public class ConsoleProperties {

	/**
	 * Whether the starter serves the operator console, a web page over the HTTP API
	 * (which must be enabled too).
	 */
	private boolean enabled;

	/**
	 * Path of the console's page.
	 */
	private String path = "/push-console";

	/**
	 * Role a Spring Security principal needs to see the console (without the ROLE_
	 * prefix); without Spring Security the page is public and asks for the HTTP API
	 * token, which every request it makes carries.
	 */
	private String role = "PUSH_ADMIN";

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public String getRole() {
		return this.role;
	}

	public void setRole(String role) {
		this.role = role;
	}

}
