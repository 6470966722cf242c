/**
 * The contract suites of the gateway's backend SPI, for whoever writes a backend of their
 * own: extend {@link SessionRegistryContract} (a {@code SessionRegistry} and the
 * {@code PresenceOperations} reading it), {@link PushStoreContract} or
 * {@link ClusterBusContract} in a JUnit 5 test and implement its factory methods. Every
 * built-in backend passes the same suites. {@link TestSessions} plays a node's hub for a
 * registry. See {@code docs/backends.md}.
 */
@NullMarked
package io.pushgateway.test.contract;

import org.jspecify.annotations.NullMarked;
