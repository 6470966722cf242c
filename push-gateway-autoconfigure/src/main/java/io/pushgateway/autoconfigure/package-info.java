/**
 * Spring Boot auto-configuration of the push gateway.
 */
@NullMarked
package io.pushgateway.autoconfigure;

import org.jspecify.annotations.NullMarked;
