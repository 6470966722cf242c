package io.pushgateway.transport.socketio;

import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * An Engine.IO session's timers: the heartbeat (a ping every ping interval while the
 * session is open) and the deadline for the client's Socket.IO {@code CONNECT}. Confined
 * to the session's event loop.
 *
 * @author Push Gateway team
 */
final class EngineIoTimers {

	private final EventExecutor loop;

	private final SocketIoSettings settings;

	private final EngineIoState state;

	private @Nullable ScheduledFuture<?> ping;

	private @Nullable ScheduledFuture<?> connectTimeout;

	/**
	 * The timers of one session.
	 * @param loop the session's event loop
	 * @param settings the endpoint's settings
	 * @param state the session's state
	 */
	EngineIoTimers(EventExecutor loop, SocketIoSettings settings, EngineIoState state) {
		this.loop = loop;
		this.settings = settings;
		this.state = state;
	}

	/**
	 * Start the heartbeat and the deadline for the client's {@code CONNECT}.
	 * @param ping sends a ping, every ping interval while the session is open
	 * @param onConnectTimeout what to do when the deadline passes without a CONNECT
	 */
	void start(Runnable ping, Runnable onConnectTimeout) {
		long interval = this.settings.pingInterval().toMillis();
		this.ping = this.loop.scheduleAtFixedRate(() -> {
			if (!this.state.closed()) {
				ping.run();
			}
		}, interval, interval, TimeUnit.MILLISECONDS);
		this.connectTimeout = this.loop.schedule(() -> {
			if (this.state.connection() == null && !this.state.closed()) {
				onConnectTimeout.run();
			}
		}, this.settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	/** The client's {@code CONNECT} was admitted: its deadline is off. */
	void connected() {
		ScheduledFuture<?> timeout = this.connectTimeout;
		if (timeout != null) {
			timeout.cancel(false);
		}
	}

	/** The session ended: so do its timers. */
	void cancel() {
		ScheduledFuture<?> ping = this.ping;
		if (ping != null) {
			ping.cancel(false);
		}
		ScheduledFuture<?> timeout = this.connectTimeout;
		if (timeout != null) {
			timeout.cancel(false);
		}
	}

}
