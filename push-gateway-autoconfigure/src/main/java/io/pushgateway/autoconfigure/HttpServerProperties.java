package io.pushgateway.autoconfigure;

import java.time.Duration;

/**
 * Timeouts of the HTTP server the gateway runs on (Boot's Reactor Netty server), under
 * {@code push.gateway.http-server}. They apply to every connection of the server, before
 * any gateway endpoint sees a request: a socket that does not send a request in time is
 * closed, whoever it is. A zero duration turns one off.
 *
 * @author Push Gateway team
 */
public class HttpServerProperties {

	/**
	 * Time from a connection's accept to the end of its first request's headers; a client
	 * that sends no request or dribbles its headers is closed when it passes.
	 */
	private Duration headerTimeout = Duration.ofSeconds(10);

	/**
	 * Time a kept-alive connection may take, after a response, to send the next request's
	 * headers.
	 */
	private Duration keepAliveTimeout = Duration.ofSeconds(60);

	/**
	 * Longest pause between two pieces of a request's body.
	 */
	private Duration readTimeout = Duration.ofSeconds(10);

	/**
	 * Time to receive a request's whole body once its headers arrived.
	 */
	private Duration requestTimeout = Duration.ofSeconds(30);

	/**
	 * Most sockets one client address may hold while they wait for a request's headers
	 * (before any request is admitted); more are closed on accept. 0 for no limit. Like
	 * the other per-address limits, only meaningful when clients reach the node directly:
	 * behind a proxy every socket has the proxy's address.
	 */
	private int maxPendingSocketsPerIp = 0;

	public Duration getHeaderTimeout() {
		return this.headerTimeout;
	}

	public void setHeaderTimeout(Duration headerTimeout) {
		this.headerTimeout = headerTimeout;
	}

	public Duration getKeepAliveTimeout() {
		return this.keepAliveTimeout;
	}

	public void setKeepAliveTimeout(Duration keepAliveTimeout) {
		this.keepAliveTimeout = keepAliveTimeout;
	}

	public Duration getReadTimeout() {
		return this.readTimeout;
	}

	public void setReadTimeout(Duration readTimeout) {
		this.readTimeout = readTimeout;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public int getMaxPendingSocketsPerIp() {
		return this.maxPendingSocketsPerIp;
	}

	public void setMaxPendingSocketsPerIp(int maxPendingSocketsPerIp) {
		this.maxPendingSocketsPerIp = maxPendingSocketsPerIp;
	}

}
