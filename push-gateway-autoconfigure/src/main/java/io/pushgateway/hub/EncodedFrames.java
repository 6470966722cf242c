package io.pushgateway.hub;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.core.Push;
import org.jspecify.annotations.Nullable;

/**
 * A push encoded once per codec and, when some recipients' transports pre-frame it (a
 * WebSocket's whole frame), built once per codec in each of their {@link PreFraming
 * framings}, whatever the number of recipients; reference-counted across the event loops
 * that write it.
 *
 * @param codecs the codecs, in the order of {@code buffers}
 * @param buffers the encoded frame per codec
 * @param framings the framings, in the order of {@code preFramed}
 * @param preFramed per framing, the pre-framed frame per codec
 * @author Push Gateway team
 */
record EncodedFrames(FrameCodec[] codecs, ByteBuf[] buffers, PreFraming[] framings, ByteBuf[][] preFramed) {

	/**
	 * Encode a push.
	 * @param push the push
	 * @param codecs the codecs its recipients use
	 * @param framings the framings its recipients' transports use, each once
	 * @param allocator allocates the buffers
	 * @return the frames, which the caller releases
	 */
	static EncodedFrames encode(Push push, List<FrameCodec> codecs, List<PreFraming> framings,
			ByteBufAllocator allocator) {
		FrameCodec[] codecArray = codecs.toArray(new FrameCodec[0]);
		PreFraming[] framingArray = framings.toArray(new PreFraming[0]);
		ByteBuf[] buffers = new ByteBuf[codecArray.length];
		ByteBuf[][] preFramed = new ByteBuf[framingArray.length][codecArray.length];
		for (int i = 0; i < codecArray.length; i++) {
			byte[] bytes = codecArray[i].encodePush(push);
			buffers[i] = allocator.directBuffer(bytes.length).writeBytes(bytes);
			for (int f = 0; f < framingArray.length; f++) {
				preFramed[f][i] = framingArray[f].frame(allocator, codecArray[i], bytes);
			}
		}
		return new EncodedFrames(codecArray, buffers, framingArray, preFramed);
	}

	/**
	 * The index of a codec's frame.
	 * @param codec the codec
	 * @return its index in {@link #buffers()}
	 */
	int indexOf(FrameCodec codec) {
		for (int i = 0; i < this.codecs.length; i++) {
			if (this.codecs[i] == codec) {
				return i;
			}
		}
		throw new IllegalStateException("no frame encoded for " + codec.subprotocol());
	}

	/**
	 * The push in a connection's framing.
	 * @param framing the connection's framing, or {@code null}
	 * @param codec the index of the connection's codec
	 * @return the frame, or {@code null} when the connection writes the encoded frame
	 * itself
	 */
	@Nullable ByteBuf preFramed(@Nullable PreFraming framing, int codec) {
		if (framing != null) {
			for (int f = 0; f < this.framings.length; f++) {
				if (framing.equals(this.framings[f])) {
					return this.preFramed[f][codec];
				}
			}
		}
		return null;
	}

	void retain() {
		for (ByteBuf buffer : this.buffers) {
			buffer.retain();
		}
		for (ByteBuf[] framed : this.preFramed) {
			for (ByteBuf buffer : framed) {
				buffer.retain();
			}
		}
	}

	void release() {
		for (ByteBuf buffer : this.buffers) {
			buffer.release();
		}
		for (ByteBuf[] framed : this.preFramed) {
			for (ByteBuf buffer : framed) {
				buffer.release();
			}
		}
	}

}
