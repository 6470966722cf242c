package io.pushgateway.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pushgateway.codec.FrameCodec;

/**
 * How a transport carries an encoded frame when the transport's whole frame is the same
 * bytes for every connection of a codec, so that it can be built once for all of them: a
 * WebSocket's frame (header and payload; a server's frames are not masked). The hub owns
 * the question and the transports answer it: {@link FanOut} builds a push's pre-framed
 * form once per codec for all the connections that name the same {@link PreFraming}, next
 * to its encoded frame, and pongs are kept pre-framed per codec the same way. An
 * implementation is a constant (a few per application), since the forms it builds are
 * shared by its identity.
 *
 * @author Push Gateway team
 * @see PushConnection#preFraming()
 */
public interface PreFraming {

	/**
	 * The transport's whole frame carrying an encoded frame.
	 * @param allocator allocates the frame
	 * @param codec the codec that encoded it
	 * @param encoded the encoded frame
	 * @return the transport's frame, which the caller releases
	 */
	ByteBuf frame(ByteBufAllocator allocator, FrameCodec codec, byte[] encoded);

}
