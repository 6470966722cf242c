/**
 * Socket.IO v4 clients on the gateway: Engine.IO protocol 4 (long-polling, WebSocket and
 * the upgrade between them) and Socket.IO protocol 5 over the gateway's connections.
 */
@NullMarked
package io.pushgateway.transport.socketio;

import org.jspecify.annotations.NullMarked;
