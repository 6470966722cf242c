package io.pushgateway.transport.socketio;

import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.pushgateway.codec.SocketIoFrameCodec;
import io.pushgateway.hub.CloseCodes;

/**
 * How an Engine.IO session begins to end. When the server ends it, the client hears why
 * ({@code gateway:close}), then a Socket.IO {@code DISCONNECT} when it must not reconnect
 * by itself, then Engine.IO's close, whatever the queue's bound, and the WebSocket is
 * closed after the close timeout at the latest. When the client ends it, or its carriage
 * went away, the WebSocket is closed and a waiting poll gets Engine.IO's close. Confined
 * to the session's event loop.
 *
 * @author Push Gateway team
 */
final class EngineIoClosing {

	private static final byte[] CLOSE = { '1' };

	/** Close codes after which a Socket.IO client must not reconnect by itself. */
	private static final int[] FINAL_CODES = { CloseCodes.REPLACED, CloseCodes.MALFORMED_FRAME,
			CloseCodes.UNSUPPORTED_DATA, CloseCodes.INVALID_PAYLOAD, CloseCodes.MESSAGE_TOO_BIG };

	private final SocketIoSettings settings;

	private final EngineIoState state;

	private final EngineIoOutbound outbound;

	private final EngineIoPollCarriage polls;

	/**
	 * The closing of one session.
	 * @param settings the endpoint's settings
	 * @param state the session's state
	 * @param outbound the session's packets out
	 * @param polls the session's long-polling carriage
	 */
	EngineIoClosing(SocketIoSettings settings, EngineIoState state, EngineIoOutbound outbound,
			EngineIoPollCarriage polls) {
		this.settings = settings;
		this.state = state;
		this.outbound = outbound;
		this.polls = polls;
	}

	/**
	 * The server ends the session: its last packets are queued.
	 * @param code the close code
	 * @param reason the reason
	 * @return {@code false} when the session was closed or closing already; otherwise the
	 * caller sends what is queued and ends the session
	 */
	boolean byServer(int code, String reason) {
		if (this.state.closed() || this.state.closing()) {
			return false;
		}
		this.state.markClosing();
		// the last packets go whatever the bound: a slow consumer reads them after what
		// it has not read yet, or the close timeout ends the connection first
		if (this.state.connection() != null) {
			this.outbound.offerLast(SocketIoFrameCodec.PLAIN.encodeClose(code, reason));
		}
		for (int finalCode : FINAL_CODES) {
			if (finalCode == code) {
				this.outbound.offerLast(new byte[] { '4', '1' });
			}
		}
		this.outbound.offerLast(CLOSE);
		Channel websocket = this.state.websocket();
		if (websocket != null) {
			websocket.eventLoop()
				.schedule(() -> websocket.close(), this.settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		return true;
	}

	/**
	 * The client went away or closed the session: its carriage is closed.
	 * @return {@code false} when the session was closed already; otherwise the caller
	 * ends the session
	 */
	boolean byClient() {
		if (this.state.closed()) {
			return false;
		}
		Channel websocket = this.state.websocket();
		if (websocket != null) {
			websocket.close();
		}
		this.polls.end(CLOSE);
		return true;
	}

	/**
	 * A WebSocket completed the upgrade of a session the server had closed while it
	 * probed: the client paused long-polling for it, so the last packets (why the session
	 * ended, the close) went there; the close timeout bounds how long it may take to read
	 * them.
	 * @param websocket the WebSocket that carries the session now
	 */
	void upgradedAfterClose(Channel websocket) {
		if (this.state.closed()) {
			websocket.eventLoop()
				.schedule(() -> websocket.close(), this.settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
	}

}
