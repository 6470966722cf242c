/**
 * The node-local hub: which connections belong to which user, GUID and socket ID, and the
 * batched fan-out to them.
 */
@NullMarked
package io.pushgateway.hub;

import org.jspecify.annotations.NullMarked;
