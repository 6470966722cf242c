/**
 * What the transports share: admission of a client (origin, subprotocol, credentials and
 * GUIDs) before it becomes a connection.
 */
@NullMarked
package io.pushgateway.transport;

import org.jspecify.annotations.NullMarked;
