/**
 * The WebSocket transport on Reactor Netty: handshake, authentication before the upgrade,
 * and per-connection frame handling.
 */
@NullMarked
package io.pushgateway.transport.websocket;

import org.jspecify.annotations.NullMarked;
