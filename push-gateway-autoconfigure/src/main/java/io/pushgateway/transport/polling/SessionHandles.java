package io.pushgateway.transport.polling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The handles of the sessions a node holds for transports whose client makes several
 * requests (long-polling, Server-Sent Events, Engine.IO): {@code socketId.secret.node},
 * the node base64url-encoded, so any node can tell which node holds a session, and the
 * secret its only credential after the first request.
 *
 * @author Push Gateway team
 */
public final class SessionHandles {

	private final String nodeToken;

	private final SecureRandom random;

	/**
	 * Handles for the sessions of a node.
	 * @param nodeId the node's ID
	 */
	public SessionHandles(String nodeId) {
		this.nodeToken = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(nodeId.getBytes(StandardCharsets.UTF_8));
		try {
			// seeded once here; a DRBG does not read the entropy device again, so handing
			// out secrets never blocks an event loop
			this.random = SecureRandom.getInstance("DRBG");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
		this.random.nextBytes(new byte[16]);
	}

	/**
	 * A new secret: 128 random bits, base64url.
	 * @return the secret
	 */
	public String newSecret() {
		byte[] secret = new byte[16];
		this.random.nextBytes(secret);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
	}

	/**
	 * The handle of a session of this node.
	 * @param socketId the session's socket ID
	 * @param secret its secret
	 * @return the handle
	 */
	public String handle(long socketId, String secret) {
		return socketId + "." + secret + "." + this.nodeToken;
	}

	/**
	 * Whether a presented secret is the session's, compared in constant time.
	 * @param secret the session's secret
	 * @param presented the secret the client presented
	 * @return {@code true} if they are the same
	 */
	public static boolean sameSecret(String secret, String presented) {
		return MessageDigest.isEqual(secret.getBytes(StandardCharsets.US_ASCII),
				presented.getBytes(StandardCharsets.US_ASCII));
	}

}
