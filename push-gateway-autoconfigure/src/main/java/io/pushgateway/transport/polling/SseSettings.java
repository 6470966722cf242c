package io.pushgateway.transport.polling;

import java.time.Duration;

/**
 * The settings of the Server-Sent Events endpoint.
 *
 * @param path the stream's path: {@code GET {path}} streams, {@code POST {path}/send}
 * carries a client frame
 * @param maxFrameSize the largest frame a client may send, in bytes
 * @param maxQueuedBytes the bound of each stream's outbound queue
 * @param heartbeatInterval how often the stream carries a comment line
 * @param closeTimeout how long a closing stream may take to be read
 * @author Push Gateway team
 */
public record SseSettings(String path, int maxFrameSize, long maxQueuedBytes, Duration heartbeatInterval,
		Duration closeTimeout) {
}
