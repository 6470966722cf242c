/**
 * The Redis session registry, under the seed's keys.
 */
@NullMarked
package io.pushgateway.registry.redis;

import org.jspecify.annotations.NullMarked;
