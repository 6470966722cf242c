package io.pushgateway.transport.socketio;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.pushgateway.codec.SocketIoFrameCodec;
import org.jspecify.annotations.Nullable;

/**
 * The Socket.IO ack IDs of one socket, numbered from 0 as Socket.IO's own server numbers
 * them. An acknowledged push is encoded once for every recipient with the push ID's low
 * 53 bits as its ack ID ({@code 42<id>[...]}); clients that read packet IDs as 32-bit
 * integers (the Java client, and so Android) drop such a packet. So each acknowledged
 * push this socket writes gets the socket's next number instead, remembered with the bits
 * it replaced, and the client's {@code ACK} is turned back into them before it is
 * decoded. The latest {@value #MAX_AWAITING} acknowledged pushes of a socket can be
 * acknowledged: the ack of an older one is ignored, and the push counts as
 * unacknowledged.
 * <p>
 * Written by hand: it rewrites the few bytes of a packet's head, which no library does.
 *
 * @author Push Gateway team
 */
final class SocketIoAckIds {

	/** The most pushes of one socket that await an ack at once. */
	static final int MAX_AWAITING = 128;

	private static final byte[] EVENT = { '4', '2' };

	/* an Engine.IO message carrying a binary EVENT with one attachment */
	private static final byte[] BINARY_EVENT = { '4', '5', '1', '-' };

	/*
	 * The latest pushes numbered, by number modulo MAX_AWAITING: the number and the ack
	 * ID it replaced (0 once acknowledged). A ring rather than a map: about 1.5 KB, made
	 * when the socket's first acknowledged push is written, for any number of pushes
	 * whose acks never come.
	 */
	private int @Nullable [] numbers;

	private long @Nullable [] encoded;

	private int next;

	/**
	 * Give an acknowledged push this socket's next ack ID.
	 * @param frame an encoded frame, taken over
	 * @return the frame with its ack ID renumbered, or the frame itself when it asks for
	 * no ack
	 */
	synchronized ByteBuf number(ByteBuf frame) {
		int start = frame.readerIndex();
		boolean composite = frame.isReadable() && frame.getByte(start) == SocketIoFrameCodec.COMPOSITE;
		int text = composite ? start + 1 + Integer.BYTES : start;
		byte[] head = composite ? BINARY_EVENT : EVENT;
		int digits = text + head.length;
		if (digits >= frame.writerIndex()) {
			return frame;
		}
		for (int i = 0; i < head.length; i++) {
			if (frame.getByte(text + i) != head[i]) {
				return frame;
			}
		}
		int end = digits;
		while (end < frame.writerIndex() && isDigit(frame.getByte(end))) {
			end++;
		}
		if (end == digits || end == frame.writerIndex() || frame.getByte(end) != '[') {
			return frame;
		}
		long low = Long.parseLong(frame.toString(digits, end - digits, StandardCharsets.US_ASCII));
		int number = this.next;
		this.next = (number == Integer.MAX_VALUE) ? 0 : number + 1;
		if (this.numbers == null || this.encoded == null) {
			this.numbers = new int[MAX_AWAITING];
			this.encoded = new long[MAX_AWAITING];
		}
		this.numbers[number % MAX_AWAITING] = number;
		this.encoded[number % MAX_AWAITING] = low;
		byte[] id = Integer.toString(number).getBytes(StandardCharsets.US_ASCII);
		int delta = id.length - (end - digits);
		ByteBuf out = frame.alloc().buffer(frame.readableBytes() + delta);
		if (composite) {
			out.writeByte(SocketIoFrameCodec.COMPOSITE).writeInt(frame.getInt(start + 1) + delta);
		}
		out.writeBytes(frame, text, digits - text).writeBytes(id).writeBytes(frame, end, frame.writerIndex() - end);
		frame.release();
		return out;
	}

	/**
	 * Turn a client's {@code ACK} back into the ack ID the gateway encoded.
	 * @param packet a Socket.IO packet from the client
	 * @return the packet, its ack ID replaced when it is an {@code ACK}; {@code null}
	 * when it acknowledges nothing that awaits an ack
	 */
	synchronized @Nullable String resolve(String packet) {
		if (packet.isEmpty()) {
			// the decoder refuses it
			return packet;
		}
		char type = packet.charAt(0);
		if (type != '3' && type != '6') {
			return packet;
		}
		int i = 1;
		if (type == '6') {
			int dash = packet.indexOf('-', i);
			if (dash < 0) {
				return packet;
			}
			i = dash + 1;
		}
		if (packet.startsWith("/", i)) {
			int comma = packet.indexOf(',', i);
			if (comma < 0) {
				return packet;
			}
			i = comma + 1;
		}
		int end = i;
		while (end < packet.length() && isDigit((byte) packet.charAt(end))) {
			end++;
		}
		if (end == i) {
			// the decoder refuses an ack without an ID
			return packet;
		}
		if (end - i > 10) {
			return null;
		}
		long number = Long.parseLong(packet, i, end, 10);
		int[] numbers = this.numbers;
		long[] encoded = this.encoded;
		if (number > Integer.MAX_VALUE || numbers == null || encoded == null) {
			return null;
		}
		int slot = (int) number % MAX_AWAITING;
		if (numbers[slot] != number || encoded[slot] == 0) {
			return null;
		}
		long low = encoded[slot];
		encoded[slot] = 0;
		return packet.substring(0, i) + low + packet.substring(end);
	}

	/**
	 * Pushes of this socket awaiting an ack.
	 * @return the count
	 */
	synchronized int awaiting() {
		int count = 0;
		if (this.encoded != null) {
			for (long low : this.encoded) {
				count += (low != 0) ? 1 : 0;
			}
		}
		return count;
	}

	private static boolean isDigit(byte b) {
		return b >= '0' && b <= '9';
	}

}
