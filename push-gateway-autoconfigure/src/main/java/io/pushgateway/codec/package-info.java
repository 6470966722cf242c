/**
 * Wire codecs for protocol version 1: JSON text frames and MessagePack binary frames.
 */
@NullMarked
package io.pushgateway.codec;

import org.jspecify.annotations.NullMarked;
