/**
 * Cluster bus plumbing shared by the transports: the record format with routing headers.
 */
@NullMarked
package io.pushgateway.cluster;

import org.jspecify.annotations.NullMarked;
