package io.pushgateway.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.util.unit.DataSize;

/**
 * Settings of the WebSocket endpoint, under {@code push.gateway.websocket}.
 *
 * @author Push Gateway team
 */
public class WebSocketProperties {

	/**
	 * Path of the WebSocket endpoint.
	 */
	private String path = "/ws";

	/**
	 * Maximum size of a frame or fragmented message a client may send.
	 */
	private DataSize maxFrameSize = DataSize.ofKilobytes(64);

	/**
	 * Origin patterns allowed to connect besides the gateway's own origin, such as
	 * 'https://*.example.com'. Requests without an Origin header (non-browser clients)
	 * are always allowed.
	 */
	private List<String> allowedOrigins = new ArrayList<>();

	/**
	 * Maximum bytes waiting to be written to one connection. A client that falls further
	 * behind is closed as a slow consumer (close code 4002).
	 */
	private DataSize maxQueuedSize = DataSize.ofKilobytes(256);

	/**
	 * How long a closing connection may take to read its close frame before the socket is
	 * closed.
	 */
	private Duration closeTimeout = Duration.ofSeconds(5);

	/**
	 * Whether a WebSocket upgrade is taken by a Netty handler ahead of Reactor Netty's
	 * HTTP server path (same checks and close codes, less memory per connection and less
	 * CPU per handshake). It applies when the endpoints are not behind WebFlux
	 * (webflux-routing) and the server does not resolve forwarded headers
	 * (server.forward-headers-strategy=native); otherwise upgrades take Reactor Netty's
	 * path.
	 */
	private boolean nettyUpgrade = true;

	public boolean isNettyUpgrade() {
		return this.nettyUpgrade;
	}

	public void setNettyUpgrade(boolean nettyUpgrade) {
		this.nettyUpgrade = nettyUpgrade;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	public List<String> getAllowedOrigins() {
		return this.allowedOrigins;
	}

	public void setAllowedOrigins(List<String> allowedOrigins) {
		this.allowedOrigins = allowedOrigins;
	}

	public DataSize getMaxQueuedSize() {
		return this.maxQueuedSize;
	}

	public void setMaxQueuedSize(DataSize maxQueuedSize) {
		this.maxQueuedSize = maxQueuedSize;
	}

	public Duration getCloseTimeout() {
		return this.closeTimeout;
	}

	public void setCloseTimeout(Duration closeTimeout) {
		this.closeTimeout = closeTimeout;
	}

}
