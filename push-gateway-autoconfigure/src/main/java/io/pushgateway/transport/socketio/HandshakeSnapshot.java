package io.pushgateway.transport.socketio;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.pushgateway.spi.HandshakeRequest;
import org.jspecify.annotations.Nullable;

/**
 * The request that opened an Engine.IO session, kept until the client's Socket.IO
 * {@code CONNECT} is admitted: Socket.IO clients send their credentials in that packet
 * ({@code auth}), after the transport is open. A token from {@code auth.token} stands in
 * for an {@code Authorization: Bearer} header, so the gateway's authenticators see it as
 * they see any token.
 *
 * @param path the request path
 * @param headers the request's headers, names in lower case, first values
 * @param query the query parameters
 * @param remoteAddress the client's address
 * @param principal who Spring Security authenticated for the request, or {@code null}
 * @param sessionId the web session the principal came with, or {@code null}
 * @param token the token from the {@code CONNECT} packet, or {@code null}
 * @author Push Gateway team
 */
record HandshakeSnapshot(String path, Map<String, String> headers, Map<String, List<String>> query,
		@Nullable InetSocketAddress remoteAddress, @Nullable Principal principal, @Nullable String sessionId,
		@Nullable String token) implements HandshakeRequest {

	HandshakeSnapshot withToken(@Nullable String token) {
		return new HandshakeSnapshot(this.path, this.headers, this.query, this.remoteAddress, this.principal,
				this.sessionId, token);
	}

	@Override
	public @Nullable String header(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		if (this.token != null && lower.equals("authorization")) {
			return "Bearer " + this.token;
		}
		return this.headers.get(lower);
	}

	@Override
	public List<String> queryParams(String name) {
		return this.query.getOrDefault(name, List.of());
	}

}
