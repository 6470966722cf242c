package io.pushgateway.transport;

import java.net.InetSocketAddress;
import java.util.List;

import io.pushgateway.spi.HandshakeRequest;
import org.jspecify.annotations.Nullable;

/**
 * What the authenticator sees of a credential refresh: a request to the WebSocket path
 * that carries the fresh token as {@code Authorization: Bearer <token>}, and nothing else
 * (no query, no cookies, no address). An authenticator that reads the token from there,
 * as the gateway's own does, verifies refreshes as it verifies handshakes.
 *
 * @param token the fresh token
 * @author Push Gateway team
 */
public record RefreshRequest(String token) implements HandshakeRequest {

	@Override
	public String path() {
		return "/ws";
	}

	@Override
	public @Nullable String header(String name) {
		return "Authorization".equalsIgnoreCase(name) ? "Bearer " + this.token : null;
	}

	@Override
	public List<String> queryParams(String name) {
		return List.of();
	}

	@Override
	public @Nullable InetSocketAddress remoteAddress() {
		return null;
	}

	@Override
	public String toString() {
		// the token stays out of logs
		return "RefreshRequest[token=" + this.token.length() + " characters]";
	}

}
