/**
 * Actuator support: the gateway's health indicators and its {@code pushgateway} endpoint.
 */
@NullMarked
package io.pushgateway.actuate;

import org.jspecify.annotations.NullMarked;
