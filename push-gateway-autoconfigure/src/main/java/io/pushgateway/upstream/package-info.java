/**
 * Upstream transports: client messages handed to business services, with the routing in
 * headers.
 */
@NullMarked
package io.pushgateway.upstream;

import org.jspecify.annotations.NullMarked;
