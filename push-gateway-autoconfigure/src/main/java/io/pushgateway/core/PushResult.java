package io.pushgateway.core;

/**
 * The outcome of a push on the node that issued it.
 *
 * @param messageId the message ID clients see in the push frame
 * @param localDeliveries how many connections of this node the push was handed to
 * @author Push Gateway team
 */
public record PushResult(String messageId, int localDeliveries) {
}
