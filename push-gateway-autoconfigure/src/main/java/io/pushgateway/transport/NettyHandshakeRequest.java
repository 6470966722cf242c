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

	private final Map<String, List<String>> parameters;

	/**
	 * Wrap a request, decoding its query string at once.
	 * @param request the request
	 * @throws IllegalArgumentException when the query string is malformed (a bad
	 * percent-escape); transports answer 400
	 */
	public NettyHandshakeRequest(HttpServerRequest request) {
		this.request = request;
		Map<String, List<String>> parameters = new QueryStringDecoder(request.uri()).parameters();
		// decoding is lazy per value in some Netty versions: touch every value now
		parameters.values().forEach(List::size);
		this.parameters = parameters;
	}

	@Override
	public String path() {
		return RequestTargets.rawPath(this.request.uri());
	}

	@Override
	public @Nullable String header(String name) {
		return this.request.requestHeaders().get(name);
	}

	@Override
	public List<String> queryParams(String name) {
		return this.parameters.getOrDefault(name, List.of());
	}

	@Override
	public @Nullable InetSocketAddress remoteAddress() {
		return this.request.remoteAddress();
	}

}
