package io.pushgateway.transport.polling;

import java.time.Duration;

/**
 * The settings of the long-polling endpoint.
 *
 * @param path the base path: {@code POST {path}/open}, {@code GET {path}}, {@code POST
 * {path}/send} and {@code POST {path}/close}
 * @param hold how long a poll waits for frames before it returns an empty batch
 * @param linger how long a closed session is remembered, so the client's next poll learns
 * the close code
 * @param relayTimeout how long a node waits for the answer of a poll it relayed, on top
 * of the hold time
 * @param maxRelayedPolls how many relayed polls may wait at once on one node
 * @param maxFrameSize the largest frame a client may send, in bytes
 * @param maxQueuedBytes the bound of each session's outbound queue
 * @param heartbeatInterval how often clients are told to ping (sent in the welcome)
 * @author Push Gateway team
 */
public record PollingSettings(String path, Duration hold, Duration linger, Duration relayTimeout, int maxRelayedPolls,
		int maxFrameSize, long maxQueuedBytes, Duration heartbeatInterval) {
}
