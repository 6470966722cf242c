package io.pushgateway.transport;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.pushgateway.spi.HandshakeRequest;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;

/**
 * A {@link HandshakeRequest} over a Reactor Netty request; the query string is decoded on
 * first use.
 *
 * @author Push Gateway team
 */
public final class NettyHandshakeRequest implements HandshakeRequest {

	private final HttpServerRequest request;

	private @Nullable Map<String, List<String>> parameters;

	public NettyHandshakeRequest(HttpServerRequest request) {
		this.request = request;
	}

	@Override
	public String path() {
		return this.request.fullPath();
	}

	@Override
	public @Nullable String header(String name) {
		return this.request.requestHeaders().get(name);
	}

	@Override
	public List<String> queryParams(String name) {
		Map<String, List<String>> parameters = this.parameters;
		if (parameters == null) {
			parameters = new QueryStringDecoder(this.request.uri()).parameters();
			this.parameters = parameters;
		}
		return parameters.getOrDefault(name, List.of());
	}

	@Override
	public @Nullable InetSocketAddress remoteAddress() {
		return this.request.remoteAddress();
	}

}
