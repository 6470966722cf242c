/**
 * Micrometer observations of pushes, handshakes, client messages and bus records
 * ({@code PushObservations}): one place that every package recording them depends on, low
 * in the layering (it knows only the API).
 */
@NullMarked
package io.pushgateway.observation;

import org.jspecify.annotations.NullMarked;
