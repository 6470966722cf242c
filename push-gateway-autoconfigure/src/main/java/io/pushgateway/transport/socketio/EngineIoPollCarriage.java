package io.pushgateway.transport.socketio;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.transport.polling.Batch;
import org.jspecify.annotations.Nullable;

/**
 * An Engine.IO session's long-polling carriage, and its hand-over to a WebSocket: the one
 * poll that may wait, answered with everything queued (joined with Engine.IO's record
 * separator), refused once the session is on a WebSocket, and answered at once (with a
 * noop) while a WebSocket probes, so the client can pause long-polling and send the
 * upgrade packet; the upgrade's steps are {@link EngineIoUpgrade}'s. Confined to the
 * session's event loop.
 *
 * @author Push Gateway team
 */
final class EngineIoPollCarriage {

	private final EventExecutor loop;

	private final EngineIoOutbound outbound;

	private final EngineIoState state;

	private final EngineIoUpgrade upgrade = new EngineIoUpgrade();

	private @Nullable Consumer<Batch> waiting;

	/**
	 * The long-polling carriage of one session.
	 * @param loop the session's event loop
	 * @param outbound the session's packets out
	 * @param state the session's state
	 */
	EngineIoPollCarriage(EventExecutor loop, EngineIoOutbound outbound, EngineIoState state) {
		this.loop = loop;
		this.outbound = outbound;
		this.state = state;
	}

	/**
	 * A long-polling {@code GET}: answered at once when packets wait, otherwise with the
	 * next packet (at the latest the next ping).
	 * @param answer receives the answer, exactly once
	 * @return {@code false} when another poll was waiting: both are refused, and the
	 * session must end (Engine.IO allows one poll at a time)
	 */
	boolean poll(Consumer<Batch> answer) {
		if (this.state.closed()) {
			// what the server said last (why it closed, the close packet), then nothing
			answer.accept(this.outbound.isEmpty() ? Batch.error(400, EngineIoErrors.UNKNOWN_SID)
					: payload(this.outbound.takePayload()));
			return true;
		}
		if (this.state.websocket() != null) {
			// upgraded: the last poll is answered with a noop, later ones are refused
			answer.accept(Batch.error(400, EngineIoErrors.BAD_REQUEST));
			return true;
		}
		if (this.waiting != null) {
			// Engine.IO allows one poll at a time: a second one ends the session
			Consumer<Batch> previous = this.waiting;
			this.waiting = null;
			previous.accept(Batch.error(400, EngineIoErrors.BAD_REQUEST));
			answer.accept(Batch.error(400, EngineIoErrors.BAD_REQUEST));
			return false;
		}
		if (this.upgrade.probing()) {
			// upgrading: a poll that came after the probe is answered at once (with a
			// noop), so the client can pause long-polling and send the upgrade packet
			answer.accept(payload(this.outbound.withNoop()));
			return true;
		}
		if (!this.outbound.isEmpty()) {
			answer.accept(payload(this.outbound.takePayload()));
			return true;
		}
		this.waiting = answer;
		return true;
	}

	/** Answer the waiting poll with what is queued, if anything is. */
	void flush() {
		Consumer<Batch> waiting = this.waiting;
		if (waiting != null && !this.outbound.isEmpty()) {
			this.waiting = null;
			waiting.accept(payload(this.outbound.takePayload()));
		}
	}

	/**
	 * A WebSocket for this session sent the probe: answer it, end the waiting poll.
	 * @param websocket the probing WebSocket
	 */
	void probe(Channel websocket) {
		if (!this.upgrade.probe(websocket)) {
			return;
		}
		Consumer<Batch> waiting = this.waiting;
		if (waiting != null) {
			this.waiting = null;
			// what is queued goes with the noop, so nothing waits for the WebSocket
			waiting.accept(payload(this.outbound.withNoop()));
		}
	}

	/**
	 * A WebSocket asks to upgrade this session. It is taken when the session is open, not
	 * on a WebSocket yet and has no other upgrade under way; it must carry the session
	 * within the upgrade timeout, or it is closed.
	 * @param websocket the WebSocket
	 * @return {@code false} when it is refused (the caller closes it)
	 */
	boolean offerUpgrade(Channel websocket) {
		if (this.state.closed() || this.state.closing() || this.state.websocket() != null || this.upgrade.underWay()) {
			return false;
		}
		this.upgrade.offered(websocket);
		this.loop.schedule(() -> {
			if (this.state.websocket() != websocket) {
				websocket.close();
			}
		}, EngineIoUpgrade.TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
		return true;
	}

	/**
	 * The probing WebSocket sent the upgrade packet: from now on packets go there.
	 * @param websocket the WebSocket
	 * @return {@code true} when it carries the session now (what is queued waits for it)
	 */
	boolean upgrade(Channel websocket) {
		if (!this.upgrade.complete(websocket)) {
			return false;
		}
		this.state.websocket(websocket);
		return true;
	}

	/**
	 * The client ended the session: the waiting poll, if any, gets a last payload.
	 * @param payload the payload
	 */
	void end(byte[] payload) {
		Consumer<Batch> waiting = this.waiting;
		if (waiting != null) {
			this.waiting = null;
			waiting.accept(payload(payload));
		}
	}

	/**
	 * The session ended: an upgrade that never carried it ends with it, unless the server
	 * ended it while a WebSocket that answered the probe waits for the upgrade packet.
	 * The client paused long-polling for that WebSocket and polls no more (closing it
	 * would leave socket.io-client paused until its ping timeout): the upgrade completes,
	 * and the last packets go there; the upgrade timeout bounds the wait.
	 */
	void abandonUpgrade() {
		if (this.state.closing() && this.upgrade.probing()) {
			return;
		}
		this.upgrade.abandon(this.state.websocket());
	}

	private static Batch payload(byte[] body) {
		return new Batch(200, 0, body, 0, "");
	}

}
