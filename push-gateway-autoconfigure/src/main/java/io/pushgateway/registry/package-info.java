/**
 * Session registries: where the cluster keeps who is connected to which node.
 */
@NullMarked
package io.pushgateway.registry;

import org.jspecify.annotations.NullMarked;
