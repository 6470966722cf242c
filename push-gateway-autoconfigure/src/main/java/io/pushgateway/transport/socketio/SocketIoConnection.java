package io.pushgateway.transport.socketio;

import java.util.Set;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.codec.SocketIoFrameCodec;
import io.pushgateway.core.SlowConsumerPolicy;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.spi.PushPrincipal;

/**
 * A Socket.IO client once its {@code CONNECT} was admitted: an ordinary gateway
 * connection whose frames travel in its {@link EngineIoSession}, over long-polling or a
 * WebSocket, whichever the session uses at the moment.
 *
 * @author Push Gateway team
 */
final class SocketIoConnection extends PushConnection {

	private final EngineIoSession session;

	SocketIoConnection(long socketId, PushPrincipal principal, Set<String> guids, SocketIoFrameCodec codec, long now,
			EngineIoSession session) {
		super(socketId, principal, guids, codec, now);
		this.session = session;
	}

	EngineIoSession session() {
		return this.session;
	}

	@Override
	public String transport() {
		return "socketio";
	}

	@Override
	public EventExecutor eventLoop() {
		return this.session.eventLoop();
	}

	@Override
	public boolean write(ByteBuf frame) {
		return writePush(frame, "", SlowConsumerPolicy.CLOSE);
	}

	@Override
	public boolean writePush(ByteBuf frame, String event, SlowConsumerPolicy policy) {
		if (!frame.isReadable()) {
			// a frame Socket.IO has no packet for (the welcome, a pong)
			frame.release();
			return true;
		}
		return this.session.offer(this.session.ackIds().number(frame), event.isEmpty() ? null : event, policy);
	}

	@Override
	public void flush() {
		this.session.flush();
	}

	@Override
	public void close(int code, String reason) {
		if (this.session.isOpen()) {
			closingBecause(code, reason);
		}
		this.session.closeByServer(code, reason);
	}

	@Override
	public boolean isOpen() {
		return this.session.isOpen();
	}

	@Override
	public long queuedBytes() {
		return this.session.queuedBytes();
	}

}
