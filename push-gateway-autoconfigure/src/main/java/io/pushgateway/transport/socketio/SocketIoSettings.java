package io.pushgateway.transport.socketio;

import java.time.Duration;

/**
 * The settings of the Socket.IO endpoint.
 *
 * @param path the Engine.IO path, such as {@code /socket.io/}
 * @param maxPayload the largest packet or polling request body a client may send, in
 * bytes (announced as Engine.IO's {@code maxPayload})
 * @param maxQueuedBytes the bound of each session's outbound queue
 * @param pingInterval how often the server pings (Engine.IO's {@code pingInterval})
 * @param pingTimeout how long a client waits for a ping beyond the interval
 * @param connectTimeout how long an Engine.IO session may stay without a Socket.IO
 * {@code CONNECT} that authenticates it
 * @param closeTimeout how long a closing WebSocket may take to be read
 * @param relayTimeout how long a node waits for the answer of a poll it relayed, beyond
 * the ping interval
 * @param maxRelayedPolls how many relayed polls may wait at once on one node
 * @author Push Gateway team
 */
public record SocketIoSettings(String path, int maxPayload, long maxQueuedBytes, Duration pingInterval,
		Duration pingTimeout, Duration connectTimeout, Duration closeTimeout, Duration relayTimeout,
		int maxRelayedPolls) {
}
