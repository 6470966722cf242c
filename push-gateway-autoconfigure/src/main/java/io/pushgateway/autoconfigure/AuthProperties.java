package io.pushgateway.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;

/**
 * Settings of authentication before the upgrade, under {@code push.gateway.auth}.
 *
 * @author Push Gateway team
 */
public class AuthProperties {

	/**
	 * Whether handshakes without a token are admitted, each as a new anonymous user.
	 */
	private boolean anonymous = false;

	/**
	 * Query parameter that may carry the token, for browsers, which cannot set headers on
	 * a WebSocket handshake.
	 */
	private String tokenQueryParameter = "access_token";

	/**
	 * How long before a connection's credential expires the server asks the client for a
	 * fresh one on the connection (a 'refresh' frame); 0 never asks (a client may still
	 * refresh on its own).
	 */
	private Duration refreshLead = Duration.ofSeconds(30);

	private final Jwt jwt = new Jwt();

	private final TokenCache tokenCache = new TokenCache();

	public TokenCache getTokenCache() {
		return this.tokenCache;
	}

	public Duration getRefreshLead() {
		return this.refreshLead;
	}

	public void setRefreshLead(Duration refreshLead) {
		this.refreshLead = refreshLead;
	}

	public boolean isAnonymous() {
		return this.anonymous;
	}

	public void setAnonymous(boolean anonymous) {
		this.anonymous = anonymous;
	}

	public String getTokenQueryParameter() {
		return this.tokenQueryParameter;
	}

	public void setTokenQueryParameter(String tokenQueryParameter) {
		this.tokenQueryParameter = tokenQueryParameter;
	}

	public Jwt getJwt() {
		return this.jwt;
	}

	public static class Jwt {

		/**
		 * Shared secret of HMAC-signed tokens (HS256, HS384, HS512), at least 32 bytes.
		 */
		private @Nullable String secret;

		/**
		 * Location of the PEM public key of RSA- or EC-signed tokens.
		 */
		private @Nullable Resource publicKey;

		/**
		 * Issuer ('iss') that tokens must carry.
		 */
		private @Nullable String issuer;

		/**
		 * Audience ('aud') that tokens must carry.
		 */
		private @Nullable String audience;

		/**
		 * Claim that holds the user ID.
		 */
		private String uidClaim = "sub";

		/**
		 * Claim that holds the GUIDs, a string array, the connection is attached to at
		 * connect time.
		 */
		private String guidsClaim = "guids";

		/**
		 * Clock difference tolerated when checking expiry and not-before.
		 */
		private Duration clockSkew = Duration.ofSeconds(60);

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public @Nullable Resource getPublicKey() {
			return this.publicKey;
		}

		public void setPublicKey(@Nullable Resource publicKey) {
			this.publicKey = publicKey;
		}

		public @Nullable String getIssuer() {
			return this.issuer;
		}

		public void setIssuer(@Nullable String issuer) {
			this.issuer = issuer;
		}

		public @Nullable String getAudience() {
			return this.audience;
		}

		public void setAudience(@Nullable String audience) {
			this.audience = audience;
		}

		public String getUidClaim() {
			return this.uidClaim;
		}

		public void setUidClaim(String uidClaim) {
			this.uidClaim = uidClaim;
		}

		public String getGuidsClaim() {
			return this.guidsClaim;
		}

		public void setGuidsClaim(String guidsClaim) {
			this.guidsClaim = guidsClaim;
		}

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
		}

	}

	/**
	 * The cache of verified tokens: a client that reconnects with the token it held is
	 * not verified again.
	 */
	public static class TokenCache {

		/**
		 * How many verified tokens to remember; 0 verifies every handshake's token. Needs
		 * com.github.ben-manes.caffeine:caffeine on the classpath.
		 */
		private int size = 0;

		/**
		 * How long a verified token is remembered at most (never past its expiry): a key
		 * removed from the identity provider still admits a remembered token for this
		 * long.
		 */
		private Duration ttl = Duration.ofMinutes(5);

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

	}

}
