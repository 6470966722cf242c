package io.pushgateway.codec;

import io.pushgateway.core.Push;

/**
 * Encodes server frames and decodes client frames of one WebSocket subprotocol. Stateless
 * and thread-safe.
 *
 * @author Push Gateway team
 */
public interface FrameCodec {

	/**
	 * The WebSocket subprotocol this codec speaks.
	 * @return the subprotocol name
	 */
	String subprotocol();

	/**
	 * Whether frames travel as binary WebSocket frames (otherwise text).
	 * @return {@code true} for binary
	 */
	boolean binary();

	/**
	 * Encode a push frame.
	 * @param push the push
	 * @return the frame bytes
	 */
	byte[] encodePush(Push push);

	/**
	 * Encode a control frame.
	 * @param frame the frame
	 * @return the frame bytes
	 */
	byte[] encode(ServerFrame frame);

	/**
	 * Decode a client frame.
	 * @param frame the frame bytes
	 * @return the frame
	 * @throws MalformedFrameException when the bytes are not a valid envelope
	 */
	ClientFrame decode(byte[] frame);

}
