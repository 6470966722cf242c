package io.pushgateway.hub;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.ServerFrame;
import org.jspecify.annotations.Nullable;

/**
 * A pong is the same bytes on every connection of a codec: its frame, and its transport's
 * {@link PreFraming pre-framed} form, are built once per codec and framing and written
 * like a push's, so answering a heartbeat allocates no buffer of its own. Codecs are a
 * few beans per application; past {@link #MAX_ENTRIES} (an application creating codecs
 * per connection) pongs are encoded per call, so the cache cannot grow without bound.
 *
 * @author Push Gateway team
 */
final class PongFrames {

	private static final int MAX_ENTRIES = 64;

	private static final Map<Key, Pong> PONGS = new ConcurrentHashMap<>();

	private PongFrames() {
	}

	/**
	 * A codec's pong, for connections of a framing.
	 * @param codec the connection's codec
	 * @param framing the connection's framing, or {@code null}
	 * @return the pong, or {@code null} when the cache is full (encode it per call then)
	 */
	static @Nullable Pong of(FrameCodec codec, @Nullable PreFraming framing) {
		Key key = new Key(codec, framing);
		Pong pong = PONGS.get(key);
		if (pong == null) {
			if (PONGS.size() >= MAX_ENTRIES) {
				return null;
			}
			pong = PONGS.computeIfAbsent(key, PongFrames::encode);
		}
		return pong;
	}

	private static Pong encode(Key key) {
		byte[] bytes = key.codec().encode(ServerFrame.Pong.INSTANCE);
		PreFraming framing = key.framing();
		ByteBuf framed = (framing != null)
				? Unpooled.unreleasableBuffer(framing.frame(UnpooledByteBufAllocator.DEFAULT, key.codec(), bytes))
				: null;
		return new Pong(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes)), framed);
	}

	/**
	 * A codec's pong, as its frame and as its transport's whole frame; never released.
	 *
	 * @param frame the encoded frame
	 * @param framed the pre-framed form, or {@code null} without a framing
	 */
	record Pong(ByteBuf frame, @Nullable ByteBuf framed) {

	}

	private record Key(FrameCodec codec, @Nullable PreFraming framing) {

	}

}
