/**
 * The HTTP long-polling transport: the fallback for clients that cannot open a WebSocket,
 * with sessions that any node of a cluster can serve.
 */
@NullMarked
package io.pushgateway.transport.polling;

import org.jspecify.annotations.NullMarked;
