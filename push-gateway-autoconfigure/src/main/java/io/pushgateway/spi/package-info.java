/**
 * Service provider interfaces that applications and backends implement: authentication,
 * GUID authorization, upstream handling and the cluster bus.
 */
@NullMarked
package io.pushgateway.spi;

import org.jspecify.annotations.NullMarked;
