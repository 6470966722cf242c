/**
 * A runnable push gateway node on the embedded default, with a demo page.
 */
package io.pushgateway.sample;
