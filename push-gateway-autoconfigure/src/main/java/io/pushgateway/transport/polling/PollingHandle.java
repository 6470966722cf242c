package io.pushgateway.transport.polling;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * What a long-polling client presents on every request: {@code socketId.secret.node}, the
 * node base64url-encoded, so any node can tell which node holds the session.
 *
 * @param socketId the session's socket ID
 * @param secret the session's secret
 * @param node the node holding the session
 * @author Push Gateway team
 */
public record PollingHandle(long socketId, String secret, String node) {

	/**
	 * Read a handle.
	 * @param value the handle as the client presented it
	 * @return the handle, or {@code null} when malformed
	 */
	public static @Nullable PollingHandle parse(@Nullable String value) {
		if (value == null) {
			return null;
		}
		String[] parts = value.split("\\.", -1);
		if (parts.length != 3 || parts[1].isEmpty()) {
			return null;
		}
		try {
			return new PollingHandle(Long.parseLong(parts[0]), parts[1],
					new String(Base64.getUrlDecoder().decode(parts[2]), StandardCharsets.UTF_8));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
