package io.pushgateway.transport.socketio;

import io.netty.channel.Channel;
import io.pushgateway.hub.PushConnection;
import org.jspecify.annotations.Nullable;

/**
 * What the pieces of one Engine.IO session share: the WebSocket that carries it once it
 * has one, its Socket.IO connection once the {@code CONNECT} was admitted, and how far
 * its end has come (closing: the server decided, the last packets are on their way;
 * closed). Confined to the session's event loop, except that whether it closed may be
 * read from any thread.
 *
 * @author Push Gateway team
 */
final class EngineIoState {

	private @Nullable Channel websocket;

	private @Nullable PushConnection connection;

	private volatile boolean closed;

	private boolean closing;

	/**
	 * The channel of the session's WebSocket, or {@code null} on long-polling.
	 * @return the channel
	 */
	@Nullable Channel websocket() {
		return this.websocket;
	}

	/**
	 * From now on the session's packets go to a WebSocket.
	 * @param websocket the WebSocket's channel
	 */
	void websocket(Channel websocket) {
		this.websocket = websocket;
	}

	/**
	 * The session's Socket.IO connection, or {@code null} before its {@code CONNECT} was
	 * admitted.
	 * @return the connection
	 */
	@Nullable PushConnection connection() {
		return this.connection;
	}

	/**
	 * The session's {@code CONNECT} was admitted.
	 * @param connection the connection
	 */
	void connection(PushConnection connection) {
		this.connection = connection;
	}

	/**
	 * Whether the session ended; read from any thread.
	 * @return {@code true} once it did
	 */
	boolean closed() {
		return this.closed;
	}

	/** The session ended. */
	void markClosed() {
		this.closed = true;
	}

	/**
	 * Whether the server decided to close the session.
	 * @return {@code true} once it did
	 */
	boolean closing() {
		return this.closing;
	}

	/** The server decided to close the session: the last packets are on their way. */
	void markClosing() {
		this.closing = true;
	}

}
