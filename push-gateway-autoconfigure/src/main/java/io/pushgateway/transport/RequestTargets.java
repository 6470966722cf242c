package io.pushgateway.transport;

import java.util.List;
import java.util.function.Predicate;

import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Reads the path and parameters of an HTTP request target without parsing it as a URI.
 * Reactor Netty's {@code fullPath()} builds a {@link java.net.URI} and throws on targets
 * a client can send at will ({@code /%Q}, {@code /"x}); route predicates run for every
 * request, so a throwing predicate would answer such requests with 500 and log a stack
 * trace. Written by hand because no library offers a non-throwing raw-path split of a
 * request target.
 *
 * @author Push Gateway team
 */
public final class RequestTargets {

	/**
	 * The reason given for a request target that cannot be decoded. Fixed text: the
	 * decoder's own message repeats the whole target, and with it the caller's
	 * {@code access_token}, which must never appear in a response or a log line.
	 */
	public static final String MALFORMED_QUERY = "malformed request target: a percent-escape is not valid";

	private RequestTargets() {
	}

	/**
	 * The raw (still percent-encoded) path of a request target, without query and
	 * fragment; never throws.
	 * @param target the request target: origin form ({@code /ws?x}) or absolute form
	 * ({@code http://host/ws?x})
	 * @return the path, {@code /} when the target has none
	 */
	public static String rawPath(String target) {
		int start = 0;
		if (!target.startsWith("/")) {
			int scheme = target.indexOf("://");
			if (scheme < 0) {
				return target.isEmpty() ? "/" : target;
			}
			int slash = target.indexOf('/', scheme + 3);
			if (slash < 0) {
				return "/";
			}
			start = slash;
		}
		int end = target.length();
		int query = target.indexOf('?', start);
		if (query >= 0) {
			end = query;
		}
		int fragment = target.indexOf('#', start);
		if (fragment >= 0 && fragment < end) {
			end = fragment;
		}
		return target.substring(start, end);
	}

	/**
	 * The first value of a query parameter.
	 * @param query the decoded query
	 * @param name the parameter's name
	 * @return its first value, or {@code null} when absent
	 * @throws IllegalArgumentException when the query has a malformed percent-escape
	 */
	public static @Nullable String parameter(QueryStringDecoder query, String name) {
		List<String> values = query.parameters().get(name);
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	/**
	 * The requests an endpoint answers: its path and every path below it. Routes match
	 * with it, so it never throws.
	 * @param base the endpoint's path
	 * @return the route's predicate
	 */
	public static Predicate<HttpServerRequest> pathUnder(String base) {
		return (request) -> {
			String path = rawPath(request.uri());
			return path.equals(base) || path.startsWith(base + "/");
		};
	}

}
