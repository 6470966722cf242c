/**
 * Micrometer meters of the gateway.
 */
@NullMarked
package io.pushgateway.metrics;

import org.jspecify.annotations.NullMarked;
