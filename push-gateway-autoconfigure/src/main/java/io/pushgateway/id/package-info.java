/**
 * Snowflake socket and message IDs and the strategies that choose a node's worker ID.
 */
@NullMarked
package io.pushgateway.id;

import org.jspecify.annotations.NullMarked;
