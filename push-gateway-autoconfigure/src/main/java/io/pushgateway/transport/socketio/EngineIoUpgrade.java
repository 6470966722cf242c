package io.pushgateway.transport.socketio;

import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.jspecify.annotations.Nullable;

/**
 * Where a long-polling session's upgrade to a WebSocket stands: the WebSocket offered to
 * carry the session (one at a time, so an unconnected session cannot gather sockets), its
 * probe ({@code 2probe}, answered {@code 3probe}), then the upgrade packet ({@code 5})
 * after which it carries the session. Confined to the session's event loop.
 *
 * @author Push Gateway team
 */
final class EngineIoUpgrade {

	/** How long a probe may wait for the upgrade packet (Engine.IO's upgradeTimeout). */
	static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

	/**
	 * The WebSocket offered to upgrade the session, until it carries the session or is
	 * closed.
	 */
	private @Nullable Channel upgrading;

	/** A WebSocket that sent the probe and waits for the upgrade packet. */
	private @Nullable Channel probing;

	/** When the probe arrived, {@link System#nanoTime()}. */
	private long probedAt;

	/**
	 * Whether a WebSocket offered before is still open: no other is taken then.
	 * @return {@code true} while one is
	 */
	boolean underWay() {
		Channel other = this.upgrading;
		return other != null && other.isActive();
	}

	/**
	 * A WebSocket is taken to upgrade the session.
	 * @param websocket the WebSocket
	 */
	void offered(Channel websocket) {
		this.upgrading = websocket;
	}

	/**
	 * A WebSocket sent the probe: answered when it is the one offered.
	 * @param websocket the WebSocket
	 * @return {@code true} when it was answered
	 */
	boolean probe(Channel websocket) {
		if (websocket != this.upgrading) {
			return false;
		}
		this.probing = websocket;
		this.probedAt = System.nanoTime();
		websocket.writeAndFlush(new TextWebSocketFrame("3probe"));
		return true;
	}

	/**
	 * Whether a probe came within the upgrade timeout and waits for the upgrade packet:
	 * polls are answered at once then, so the client can pause long-polling.
	 * @return {@code true} while it does
	 */
	boolean probing() {
		return this.probing != null && System.nanoTime() - this.probedAt < TIMEOUT_NANOS;
	}

	/**
	 * A WebSocket sent the upgrade packet: it carries the session from now on when it is
	 * the one that probed.
	 * @param websocket the WebSocket
	 * @return {@code true} when it does
	 */
	boolean complete(Channel websocket) {
		if (this.probing != websocket) {
			return false;
		}
		this.probing = null;
		this.upgrading = null;
		return true;
	}

	/**
	 * The session ended: an upgrade that never carried it ends with it.
	 * @param websocket the WebSocket that carries the session, or {@code null}
	 */
	void abandon(@Nullable Channel websocket) {
		Channel upgrading = this.upgrading;
		if (upgrading != null && upgrading != websocket) {
			upgrading.close();
			this.upgrading = null;
		}
	}

}
