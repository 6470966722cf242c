/**
 * Tools for running a cluster on one machine: a local Kafka broker and idle clients.
 */
package io.pushgateway.devtools;
