package io.pushgateway.autoconfigure;

/**
 * Settings of the Server-Sent Events transport, under {@code push.gateway.sse}.
 *
 * @author Push Gateway team
 */
public class SseProperties {

	/**
	 * Whether to serve Server-Sent Events streams for clients that only need to receive,
	 * or whose network does not pass WebSocket.
	 */
	private boolean enabled = true;

	/**
	 * Path of the stream; client frames are posted to '{path}/send'.
	 */
	private String path = "/ws/sse";

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

}
