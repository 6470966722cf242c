package io.pushgateway.spi;

import java.util.Set;

import io.pushgateway.core.Payload;
import org.jspecify.annotations.Nullable;

/**
 * A message a client sent upstream, with the routing the gateway knows about its sender.
 *
 * @param messageId the client-chosen message ID that a reply is correlated by
 * @param socketId the sender's socket ID
 * @param uid the sender's user ID
 * @param guids the GUIDs the sender's connection is attached to
 * @param guid the GUID the client addressed the message to, or {@code null}
 * @param event the event name
 * @param payload the payload, untouched
 * @param node the ID of the node the sender is connected to
 * @author Push Gateway team
 */
public record UpstreamMessage(String messageId, long socketId, String uid, Set<String> guids, @Nullable String guid,
		String event, Payload payload, String node) {
}
