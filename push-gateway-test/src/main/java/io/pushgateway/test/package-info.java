/**
 * Test support for applications that use the push gateway: {@link PushTestClient}, a
 * WebSocket client speaking both protocols; {@link GatewayTokens}, tokens for the
 * built-in verifier; {@link RecordingPushOperations}, for unit tests of code that pushes.
 * See {@code docs/testing.md}.
 */
@NullMarked
package io.pushgateway.test;

import org.jspecify.annotations.NullMarked;
