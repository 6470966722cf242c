package io.pushgateway.autoconfigure;

import java.time.Duration;

/**
 * Settings of the Socket.IO v4 endpoint, under {@code push.gateway.socketio}.
 *
 * @author Push Gateway team
 */
public class SocketIoProperties {

	/**
	 * Whether to serve Socket.IO v4 clients (Engine.IO protocol 4, Socket.IO protocol 5)
	 * for front ends that run socket.io-client.
	 */
	private boolean enabled = false;

	/**
	 * Path of the Engine.IO endpoint (socket.io-client's 'path' option).
	 */
	private String path = "/socket.io/";

	/**
	 * How long an Engine.IO session may stay open without a Socket.IO CONNECT that passes
	 * authentication (Socket.IO clients send their credentials in that packet).
	 */
	private Duration connectTimeout = Duration.ofSeconds(10);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

}
