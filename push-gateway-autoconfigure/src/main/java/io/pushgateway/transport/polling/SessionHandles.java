package io.pushgateway.transport.polling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The handles of the sessions a node holds for transports whose client makes several
 * requests (long-polling, Server-Sent Events, Engine.IO): {@code socketId.secret.node},
 * the node base64url-encoded, so any node can tell which node holds a session, and the
 * secret its only credential after the first request.
 *
 * @author Push Gateway team
 */
public final class SessionHandles {

	private final String nodeId;

	private final String nodeToken;

	private final SecureRandom random;

	/**
	 * Handles for the sessions of a node.
	 * @param nodeId the node's ID
	 */
	public SessionHandles(String nodeId) {
		this.nodeId = nodeId;
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
	 * The session of this node a handle names, if the handle's secret is the session's.
	 * @param <S> the sessions' type
	 * @param sessions this node's sessions by socket ID
	 * @param handle the handle a client presented
	 * @param secret the secret of a session
	 * @return the session, or {@code null} for another node's handle, an unknown session
	 * or a wrong secret
	 */
	public <S> @Nullable S find(Map<Long, S> sessions, PollingHandle handle, Function<S, String> secret) {
		if (!handle.node().equals(this.nodeId)) {
			return null;
		}
		S session = sessions.get(handle.socketId());
		return (session != null && sameSecret(secret.apply(session), handle.secret())) ? session : null;
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
