package io.pushgateway.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import org.jspecify.annotations.Nullable;

/**
 * Server-Sent Events: every frame of the JSON protocol as one event of a
 * {@code text/event-stream}. The {@code data} is the frame exactly as the JSON protocol
 * encodes it; a push carries its event name in {@code event} (or none, when the client
 * asked for unnamed events) and its position in the user's stream in {@code id}, so a
 * browser's {@code EventSource} sends it back as {@code Last-Event-ID} when it
 * reconnects. Control frames are named after their type ({@code welcome}, {@code reply},
 * ...). Encoded once per push for all the connections of a node, like the other codecs.
 *
 * @author Push Gateway team
 */
public final class SseFrameCodec implements FrameCodec {

	/** Events named after the push's event or the control frame's type. */
	public static final SseFrameCodec NAMED = new SseFrameCodec(true);

	/**
	 * Every frame as an unnamed event ({@code message}), for clients that read all frames
	 * with one listener, as the JavaScript client does.
	 */
	public static final SseFrameCodec UNNAMED = new SseFrameCodec(false);

	/**
	 * A comment line: what the stream carries when there is nothing else to send, so that
	 * proxies do not close it as idle.
	 */
	public static final byte[] HEARTBEAT = ascii(":\n\n");

	private static final JsonFrameCodec JSON = new JsonFrameCodec();

	private final boolean named;

	private SseFrameCodec(boolean named) {
		this.named = named;
	}

	@Override
	public String subprotocol() {
		return this.named ? "sse" : "sse.unnamed";
	}

	@Override
	public boolean binary() {
		return false;
	}

	@Override
	public byte[] encodePush(Push push) {
		String position = (push.target() instanceof PushTarget.User) ? push.position() : null;
		return event(this.named ? push.event() : null, position, JSON.encodePush(push));
	}

	@Override
	public byte[] encode(ServerFrame frame) {
		return event(this.named ? ServerFrame.typeOf(frame) : null, null, JSON.encode(frame));
	}

	/**
	 * The last event of a stream the server ends: {@code close} with the close code and
	 * reason, as a WebSocket close frame would carry them.
	 * @param code the close code
	 * @param reason the reason
	 * @return the event's bytes
	 */
	public byte[] encodeClose(int code, String reason) {
		ByteArrayOutputStream json = new ByteArrayOutputStream(64 + reason.length());
		json.writeBytes(ascii("{\"t\":\"close\",\"code\":" + code + ",\"reason\":"));
		json.writeBytes(JsonFrameCodec.quote(reason));
		json.write('}');
		return event(this.named ? "close" : null, null, json.toByteArray());
	}

	@Override
	public ClientFrame decode(byte[] frame) {
		return JSON.decode(frame);
	}

	/*
	 * An event: the optional name and ID lines, then the frame as data lines. The JSON
	 * encoder escapes line breaks inside strings, so the only ones in a frame are
	 * whitespace of a payload embedded verbatim; each starts a new data line, which the
	 * client joins back with a line feed (still whitespace).
	 */
	private static byte[] event(@Nullable String name, @Nullable String id, byte[] data) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 48);
		if (name != null) {
			out.writeBytes(ascii("event: "));
			// a name cannot span lines; the data keeps the exact one
			out.writeBytes(name.replace('\r', ' ').replace('\n', ' ').getBytes(StandardCharsets.UTF_8));
			out.write('\n');
		}
		if (id != null) {
			out.writeBytes(ascii("id: " + id + "\n"));
		}
		out.writeBytes(ascii("data: "));
		int start = 0;
		for (int i = 0; i < data.length; i++) {
			if (data[i] == '\n' || data[i] == '\r') {
				out.write(data, start, i - start);
				out.writeBytes(ascii("\ndata: "));
				start = i + 1;
			}
		}
		out.write(data, start, data.length - start);
		out.write('\n');
		out.write('\n');
		return out.toByteArray();
	}

	private static byte[] ascii(String value) {
		return value.getBytes(StandardCharsets.US_ASCII);
	}

}
