package io.pushgateway.transport;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.pushgateway.spi.HandshakeRequest;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;

/**
 * A {@link HandshakeRequest} over a Netty request's target and headers; the query string
 * is decoded at once.
 *
 * @author Push Gateway team
 */
public final class NettyHandshakeRequest implements HandshakeRequest {

	private final String uri;

	private final HttpHeaders headers;

	private final @Nullable InetSocketAddress remoteAddress;

	private final Map<String, List<String>> parameters;

	/**
	 * Wrap a request, decoding its query string at once.
	 * @param request the request
	 * @throws IllegalArgumentException when the query string is malformed (a bad
	 * percent-escape); transports answer 400
	 */
	public NettyHandshakeRequest(HttpServerRequest request) {
		this(request.uri(), request.requestHeaders(), request.remoteAddress());
	}

	/**
	 * Wrap a request's target and headers, decoding its query string at once.
	 * @param uri the request target
	 * @param headers the request's headers
	 * @param remoteAddress the client's address, or {@code null} when unknown
	 * @throws IllegalArgumentException when the query string is malformed (a bad
	 * percent-escape); transports answer 400
	 */
	public NettyHandshakeRequest(String uri, HttpHeaders headers, @Nullable InetSocketAddress remoteAddress) {
		this.uri = uri;
		this.headers = headers;
		this.remoteAddress = remoteAddress;
		Map<String, List<String>> parameters = new QueryStringDecoder(uri).parameters();
		// decoding is lazy per value in some Netty versions: touch every value now
		parameters.values().forEach(List::size);
		this.parameters = parameters;
	}

	@Override
	public String path() {
		return RequestTargets.rawPath(this.uri);
	}

	@Override
	public @Nullable String header(String name) {
		return this.headers.get(name);
	}

	@Override
	public List<String> queryParams(String name) {
		return this.parameters.getOrDefault(name, List.of());
	}

	@Override
	public @Nullable InetSocketAddress remoteAddress() {
		return this.remoteAddress;
	}

}
