package io.pushgateway.hub;

import java.util.List;
import java.util.function.Consumer;

import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.Push;
import io.pushgateway.core.StreamPosition;
import io.pushgateway.spi.PushStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Sends a connection what it missed of a stream, then switches the stream to live with no
 * gap and no duplicate: live pushes of the stream are held back for the connection while
 * the store is read, the missed pushes are written in order, then a {@code recovered}
 * frame, then the held pushes newer than the last one replayed. When the store no longer
 * holds everything after the client's position, the client is told so ({@code recovered}
 * with {@code ok:false} and error {@value ErrorCodes#UNRECOVERABLE}). From then on the
 * connection's {@link StreamCursor cursor} in the stream keeps live pushes in position
 * order ({@link StreamOrder}).
 *
 * @author Push Gateway team
 */
public class RecoveryCoordinator {

	private static final Log logger = LogFactory.getLog(RecoveryCoordinator.class);

	private final StreamOrder order;

	/**
	 * Create the coordinator.
	 * @param order the ordering of live pushes, which holds the store
	 */
	public RecoveryCoordinator(StreamOrder order) {
		this.order = order;
	}

	/**
	 * The ordering of live pushes that follows each recovery.
	 * @return the ordering
	 */
	public StreamOrder order() {
		return this.order;
	}

	/**
	 * Recover a stream on a connection; callable from any thread.
	 * @param connection the connection
	 * @param stream the stream key
	 * @param since the client's last position, or {@code null} to only learn the current
	 * position
	 * @param guid the GUID of a GUID stream, or {@code null} for the user's stream
	 */
	public void recover(PushConnection connection, String stream, @Nullable String since, @Nullable String guid) {
		recover(connection, stream, since, guid, () -> {
		});
	}

	/**
	 * Recover a stream on a connection; callable from any thread. Live pushes of the
	 * stream are held back from before {@code attach} runs, so no push can reach the
	 * connection both live and in the replay.
	 * @param connection the connection
	 * @param stream the stream key
	 * @param since the client's last position, or {@code null}
	 * @param guid the GUID of a GUID stream, or {@code null} for the user's stream
	 * @param attach makes the connection reachable for the stream (such as joining the
	 * GUID), run on the connection's event loop once pushes are held back
	 */
	public void recover(PushConnection connection, String stream, @Nullable String since, @Nullable String guid,
			Runnable attach) {
		recover(connection, stream, since, guid, attach, (complete) -> {
		});
	}

	/**
	 * Recover a stream on a connection; callable from any thread. Like
	 * {@link #recover(PushConnection, String, String, String, Runnable)}, and tells the
	 * transport whether everything missed was replayed, after the replay and before the
	 * pushes held meanwhile: a transport whose handshake answer says whether the state
	 * was recovered (Socket.IO's) writes it there.
	 * @param connection the connection
	 * @param stream the stream key
	 * @param since the client's last position, or {@code null}
	 * @param guid the GUID of a GUID stream, or {@code null} for the user's stream
	 * @param attach makes the connection reachable for the stream, on its event loop
	 * @param replayed called on the event loop with whether everything missed was
	 * replayed
	 */
	public void recover(PushConnection connection, String stream, @Nullable String since, @Nullable String guid,
			Runnable attach, Consumer<Boolean> replayed) {
		EventExecutor loop = connection.eventLoop();
		Runnable start = () -> {
			StreamCursor existing = connection.streams().cursor(stream);
			StreamCursor cursor = (existing != null) ? existing
					: connection.streams().newCursor(stream, connection.guids());
			cursor.cancelTimer();
			cursor.reading = true;
			int read = ++cursor.reads;
			attach.run();
			this.order.store()
				.since(stream, since, this.order.maxReplay())
				.subscribe(
						(recovery) -> loop
							.execute(() -> finish(connection, stream, cursor, read, since, guid, recovery, replayed)),
						(error) -> loop.execute(() -> {
							logger.warn("Recovery of " + stream + " failed for socket " + connection.socketId() + ": "
									+ error);
							finish(connection, stream, cursor, read, since, guid,
									new PushStore.Recovery(false, List.of(), null), replayed);
						}));
		};
		// on the loop already (a new connection), start at once: a push batch queued on
		// the loop meanwhile must find the stream held back
		if (loop.inEventLoop()) {
			start.run();
		}
		else {
			loop.execute(start);
		}
	}

	/**
	 * Where a stream stands, read for a connection that has no position before it becomes
	 * reachable (see {@link #start}).
	 * @param stream the stream key
	 * @return the read; an incomplete one when the store failed
	 */
	public Mono<PushStore.Recovery> top(String stream) {
		return this.order.store().since(stream, null, this.order.maxReplay()).onErrorResume((error) -> {
			logger.warn("Reading the position of " + stream + " failed: " + error);
			return Mono.just(new PushStore.Recovery(false, List.of(), null));
		});
	}

	/**
	 * Start a connection without a position at what {@link #top} read before it became
	 * reachable; callable from any thread. Nothing is read now: a push appended since the
	 * read follows on (live, or from the store when a later push shows the gap).
	 * @param connection the connection
	 * @param stream the stream key
	 * @param read the read
	 */
	public void start(PushConnection connection, String stream, PushStore.Recovery read) {
		EventExecutor loop = connection.eventLoop();
		Runnable start = () -> {
			StreamCursor existing = connection.streams().cursor(stream);
			StreamCursor cursor = (existing != null) ? existing
					: connection.streams().newCursor(stream, connection.guids());
			cursor.cancelTimer();
			int reads = ++cursor.reads;
			finish(connection, stream, cursor, reads, null, null, read, (complete) -> {
			});
		};
		if (loop.inEventLoop()) {
			start.run();
		}
		else {
			loop.execute(start);
		}
	}

	/*
	 * Where a new connection starts following a stream: at its top, or before the
	 * earliest push that reached the connection while the top was read. The connection
	 * was reachable before the read began, so such a push is one for it even when the
	 * read's top already counts it; starting at the top would drop it as a duplicate.
	 */
	private static long start(StreamPosition top, StreamCursor cursor) {
		long start = top.offset();
		if (cursor.held != null) {
			for (StreamCursor.Held held : cursor.held) {
				if (held.position().epoch().equals(top.epoch())) {
					start = Math.min(start, held.position().offset() - 1);
				}
			}
		}
		return Math.max(0, start);
	}

	private void finish(PushConnection connection, String stream, StreamCursor cursor, int read, @Nullable String since,
			@Nullable String guid, PushStore.Recovery recovery, Consumer<Boolean> replayed) {
		if (cursor.reads != read || connection.streams().cursor(stream) != cursor) {
			// a later read of the stream began: its answer decides
			return;
		}
		StreamPosition top = StreamPosition.parse(recovery.last());
		StreamPosition at = cursor.position();
		if (recovery.complete()) {
			for (Push push : recovery.pushes()) {
				connection.write(Unpooled.wrappedBuffer(connection.codec().encodePush(push)));
			}
		}
		else {
			connection.send(new ServerFrame.Error(null, ErrorCodes.UNRECOVERABLE,
					"missed pushes of " + stream + " are no longer kept; resynchronize"));
		}
		if (since == null && at != null && top != null && at.epoch().equals(top.epoch())) {
			// following the stream already (joining a GUID again): go on from where the
			// connection is, so that the pushes it was about to get are not skipped
			cursor.at(at);
		}
		else if (since == null && at == null && top != null) {
			cursor.at(new StreamPosition(top.epoch(), start(top, cursor)));
		}
		else {
			cursor.at(top);
		}
		replayed.accept(recovery.complete());
		StreamPosition position = cursor.position();
		connection.send(new ServerFrame.Recovered(guid, recovery.complete(),
				recovery.complete() ? recovery.pushes().size() : 0, (position != null) ? position.toString() : null));
		this.order.resume(connection, stream, cursor);
		connection.flush();
	}

}
