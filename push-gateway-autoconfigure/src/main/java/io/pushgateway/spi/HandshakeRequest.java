package io.pushgateway.spi;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What an {@link PushAuthenticator} sees of a connection attempt before the upgrade: its
 * headers, query parameters and remote address. Transport-neutral.
 *
 * @author Push Gateway team
 */
public interface HandshakeRequest {

	/**
	 * The request path.
	 * @return the path without the query string
	 */
	String path();

	/**
	 * The first value of a header.
	 * @param name the header name, case-insensitive
	 * @return the value, or {@code null}
	 */
	@Nullable String header(String name);

	/**
	 * Every value of a query parameter.
	 * @param name the parameter name
	 * @return the values, possibly empty
	 */
	List<String> queryParams(String name);

	/**
	 * The first value of a query parameter.
	 * @param name the parameter name
	 * @return the value, or {@code null}
	 */
	default @Nullable String queryParam(String name) {
		List<String> values = queryParams(name);
		return values.isEmpty() ? null : values.get(0);
	}

	/**
	 * The address of the peer.
	 * @return the remote address, or {@code null} when unknown
	 */
	@Nullable InetSocketAddress remoteAddress();

	/**
	 * The principal the application's security already authenticated for this request,
	 * when the gateway's endpoints run behind Spring Security's filters.
	 * @return the principal, or {@code null} when there is none
	 */
	default @Nullable Principal principal() {
		return null;
	}

	/**
	 * The ID of the web session the request came with (WebFlux's {@code WebSession}, a
	 * Spring Session's when Spring Session is used), when Spring Security authenticated
	 * the request and the session exists. A connection opened with a session principal
	 * takes it as its credential's ID, so that the session's end (a logout) closes it.
	 * @return the session ID, or {@code null}
	 */
	default @Nullable String sessionId() {
		return null;
	}

}
