package io.pushgateway.transport.websocket;

import java.time.Duration;

/**
 * The settings of the WebSocket endpoint.
 *
 * @param path the path the endpoint listens on
 * @param maxFrameSize the largest frame or message a client may send, in bytes
 * @param heartbeatInterval how often clients are told to ping
 * @param maxQueuedBytes the bound of each connection's outbound queue
 * @param closeTimeout how long a closing connection may take to read its close frame
 * @author Push Gateway team
 */
public record WebSocketSettings(String path, int maxFrameSize, Duration heartbeatInterval, long maxQueuedBytes,
		Duration closeTimeout) {
}
