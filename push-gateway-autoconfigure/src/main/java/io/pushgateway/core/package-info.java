/**
 * Application-facing API: {@link io.pushgateway.core.PushOperations},
 * {@link io.pushgateway.core.PushTemplate}, targets, payloads and results.
 */
@NullMarked
package io.pushgateway.core;

import org.jspecify.annotations.NullMarked;
