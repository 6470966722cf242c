package io.pushgateway.transport.websocket;

import java.time.Duration;
import java.util.List;

/**
 * The settings of the WebSocket endpoint.
 *
 * @param path the path the endpoint listens on
 * @param maxFrameSize the largest frame or message a client may send, in bytes
 * @param allowedOrigins origin patterns allowed besides the same origin
 * @param heartbeatInterval how often clients are told to ping
 * @param maxQueuedBytes the bound of each connection's outbound queue
 * @param closeTimeout how long a closing connection may take to read its close frame
 * @param maxGuidsPerConnection how many GUIDs a connection may be attached to
 * @author Push Gateway team
 */
public record WebSocketSettings(String path, int maxFrameSize, List<String> allowedOrigins, Duration heartbeatInterval,
		long maxQueuedBytes, Duration closeTimeout, int maxGuidsPerConnection) {
}
