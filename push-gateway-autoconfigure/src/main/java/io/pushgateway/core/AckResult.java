package io.pushgateway.core;

import java.util.List;

/**
 * The outcome of a push that asked for acknowledgement, known when its timeout passed.
 *
 * @param messageId the message ID clients saw
 * @param localDeliveries how many connections of the issuing node the push was handed to
 * @param acknowledged the sockets, anywhere in the cluster, that acknowledged it in time,
 * in the order their acknowledgements arrived
 * @author Push Gateway team
 */
public record AckResult(String messageId, int localDeliveries, List<Long> acknowledged) {
}
