/**
 * The HTTP push API that lets services in any language push through the gateway.
 */
@NullMarked
package io.pushgateway.http;

import org.jspecify.annotations.NullMarked;
