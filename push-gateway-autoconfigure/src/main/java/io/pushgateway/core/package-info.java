/**
 * Application-facing API: {@link io.pushgateway.core.PushOperations}, targets, payloads,
 * results and the rules every push obeys. It depends on no other gateway package; the
 * engine ({@code io.pushgateway.hub}) implements it.
 */
@NullMarked
package io.pushgateway.core;

import org.jspecify.annotations.NullMarked;
