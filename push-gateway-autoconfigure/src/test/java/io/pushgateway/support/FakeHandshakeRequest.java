package io.pushgateway.support;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import io.pushgateway.spi.HandshakeRequest;
import org.jspecify.annotations.Nullable;

/**
 * A handshake to {@code /ws} with a query string and nothing else, for tests of the
 * pieces that decide admission.
 *
 * @param query the query parameters, one value each
 * @author Push Gateway team
 */
public record FakeHandshakeRequest(Map<String, String> query) implements HandshakeRequest {

	@Override
	public String path() {
		return "/ws";
	}

	@Override
	public @Nullable String header(String name) {
		return null;
	}

	@Override
	public List<String> queryParams(String name) {
		return this.query.containsKey(name) ? List.of(this.query.get(name)) : List.of();
	}

	@Override
	public @Nullable InetSocketAddress remoteAddress() {
		return null;
	}

}
