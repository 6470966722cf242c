package io.pushgateway.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Settings of the HTTP push API, under {@code push.gateway.http-api}.
 *
 * @author Push Gateway team
 */
public class HttpApiProperties {

	/**
	 * Whether to enable the HTTP push API.
	 */
	private boolean enabled = false;

	/**
	 * Base path of the HTTP push API.
	 */
	private String path = "/push-api";

	/**
	 * Bearer token that callers of the HTTP push API must present. Required when the API
	 * is enabled, unless it runs behind Spring Security, whose authenticated callers need
	 * no token.
	 */
	private @Nullable String token;

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

	public @Nullable String getToken() {
		return this.token;
	}

	public void setToken(@Nullable String token) {
		this.token = token;
	}

}
