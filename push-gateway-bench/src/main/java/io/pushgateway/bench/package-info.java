/**
 * The benchmark: load generator, reference peers and scenarios.
 */
package io.pushgateway.bench;
