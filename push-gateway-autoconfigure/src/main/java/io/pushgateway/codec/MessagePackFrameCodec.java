package io.pushgateway.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Protocol version 1 in MessagePack binary frames ({@value #SUBPROTOCOL}): every frame is
 * a map with string keys, the same keys as the JSON protocol. Text payloads travel as a
 * {@code str} in {@code d}, binary payloads as a {@code bin} in {@code d}, and JSON
 * payloads as a {@code str} holding the JSON document in {@code j}.
 *
 * @author Push Gateway team
 */
public final class MessagePackFrameCodec implements FrameCodec {

	/** The subprotocol name. */
	public static final String SUBPROTOCOL = "push.v1.msgpack";

	// {t: "ping"} and {t: "pong"} as the clients pack them (a fixmap of one fixstr pair):
	// a heartbeat is matched and answered without an unpacker or a packer
	static final byte[] PING = { (byte) 0x81, (byte) 0xa1, 't', (byte) 0xa4, 'p', 'i', 'n', 'g' };

	private static final byte[] PONG = { (byte) 0x81, (byte) 0xa1, 't', (byte) 0xa4, 'p', 'o', 'n', 'g' };

	@Override
	public String subprotocol() {
		return SUBPROTOCOL;
	}

	@Override
	public boolean binary() {
		return true;
	}

	@Override
	public byte[] encodePush(Push push) {
		boolean guid = push.target() instanceof PushTarget.Guid;
		try (MessageBufferPacker out = MessagePack.newDefaultBufferPacker()) {
			out.packMapHeader((guid ? 5 : 4) + (push.ack() ? 1 : 0) + ((push.position() != null) ? 1 : 0));
			if (push.ack()) {
				out.packString("a").packInt(1);
			}
			if (push.position() != null) {
				out.packString("p").packString(push.position());
			}
			out.packString("t").packString("push");
			out.packString("id").packString(Long.toString(push.messageId()));
			out.packString("ev").packString(push.event());
			if (guid) {
				out.packString("g").packString(((PushTarget.Guid) push.target()).guid());
			}
			payload(out, push.payload());
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public byte[] encode(ServerFrame frame) {
		if (frame instanceof ServerFrame.Pong) {
			return PONG;
		}
		try (MessageBufferPacker out = MessagePack.newDefaultBufferPacker()) {
			if (frame instanceof ServerFrame.Welcome welcome) {
				out.packMapHeader((welcome.session() != null) ? 8 : 7);
				out.packString("t").packString("welcome");
				out.packString("v").packInt(1);
				out.packString("sid").packString(Long.toString(welcome.socketId()));
				out.packString("uid").packString(welcome.uid());
				out.packString("node").packString(welcome.node());
				out.packString("hb").packLong(welcome.heartbeatMillis());
				out.packString("g").packArrayHeader(welcome.guids().size());
				for (String guid : welcome.guids()) {
					out.packString(guid);
				}
				String session = welcome.session();
				if (session != null) {
					out.packString("session").packString(session);
				}
			}
			else if (frame instanceof ServerFrame.Reply reply) {
				out.packMapHeader(3);
				out.packString("t").packString("reply");
				out.packString("id").packString(reply.id());
				payload(out, reply.payload());
			}
			else if (frame instanceof ServerFrame.Joined joined) {
				out.packMapHeader(3).packString("t").packString("joined");
				out.packString("id").packString(joined.id()).packString("g").packString(joined.guid());
			}
			else if (frame instanceof ServerFrame.Left left) {
				out.packMapHeader(3).packString("t").packString("left");
				out.packString("id").packString(left.id()).packString("g").packString(left.guid());
			}
			else if (frame instanceof ServerFrame.Recovered recovered) {
				out.packMapHeader(3 + ((recovered.guid() != null) ? 1 : 0) + ((recovered.last() != null) ? 1 : 0));
				out.packString("t").packString("recovered");
				if (recovered.guid() != null) {
					out.packString("g").packString(recovered.guid());
				}
				out.packString("ok").packBoolean(recovered.ok()).packString("n").packInt(recovered.count());
				if (recovered.last() != null) {
					out.packString("p").packString(recovered.last());
				}
			}
			else if (frame instanceof ServerFrame.Heartbeat heartbeat) {
				out.packMapHeader(2).packString("t").packString("hb").packString("hb").packLong(heartbeat.millis());
			}
			else if (frame instanceof ServerFrame.Dropped dropped) {
				out.packMapHeader(2).packString("t").packString("dropped").packString("n").packLong(dropped.count());
			}
			else if (frame instanceof ServerFrame.Refresh refresh) {
				out.packMapHeader(2).packString("t").packString("refresh").packString("in").packLong(refresh.millis());
			}
			else if (frame instanceof ServerFrame.Refreshed refreshed) {
				Long expiresAt = refreshed.expiresAt();
				out.packMapHeader((expiresAt != null) ? 3 : 2).packString("t").packString("refreshed");
				out.packString("id").packString(refreshed.id());
				if (expiresAt != null) {
					out.packString("exp").packLong(expiresAt);
				}
			}
			else if (frame instanceof ServerFrame.Error error) {
				out.packMapHeader((error.id() != null) ? 4 : 3).packString("t").packString("error");
				if (error.id() != null) {
					out.packString("id").packString(error.id());
				}
				out.packString("code").packInt(error.code()).packString("msg").packString(error.message());
			}
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void payload(MessageBufferPacker out, Payload payload) throws IOException {
		byte[] bytes = payload.bytes();
		if (payload.format() == PayloadFormat.BINARY) {
			out.packString("d").packBinaryHeader(bytes.length);
		}
		else {
			out.packString((payload.format() == PayloadFormat.JSON) ? "j" : "d").packRawStringHeader(bytes.length);
		}
		out.writePayload(bytes);
	}

	@Override
	public ClientFrame decode(byte[] frame) {
		if (Arrays.equals(frame, PING)) {
			return ClientFrame.Ping.INSTANCE;
		}
		String type = null;
		String id = null;
		String event = null;
		String guid = null;
		Payload payload = null;
		String since = null;
		String credential = null;
		try (MessageUnpacker in = MessagePack.newDefaultUnpacker(frame)) {
			if (!in.hasNext() || in.getNextFormat().getValueType() != ValueType.MAP) {
				throw new MalformedFrameException("frame is not a MessagePack map");
			}
			int entries = in.unpackMapHeader();
			for (int i = 0; i < entries; i++) {
				if (in.getNextFormat().getValueType() != ValueType.STRING) {
					throw new MalformedFrameException("map keys must be strings");
				}
				String name = in.unpackString();
				switch (name) {
					case "t" -> type = string(in, name, frame.length);
					case "id" -> id = string(in, name, frame.length);
					case "ev" -> event = string(in, name, frame.length);
					case "g" -> guid = string(in, name, frame.length);
					case "since" -> since = string(in, name, frame.length);
					case "token" -> credential = string(in, name, frame.length);
					case "d" -> payload = data(in, frame.length);
					case "j" -> payload = Payload.json(read(in, stringHeader(in, name), frame.length));
					default -> in.skipValue();
				}
			}
			if (in.hasNext()) {
				throw new MalformedFrameException("trailing content after the frame map");
			}
		}
		catch (IOException | MessagePackException ex) {
			// the library's message goes no further than the cause, for a debug log
			throw new MalformedFrameException("invalid MessagePack", ex);
		}
		return Frames.clientFrame(type, id, event, guid, payload, since, credential);
	}

	private static String string(MessageUnpacker in, String name, int frameLength) throws IOException {
		return new String(read(in, stringHeader(in, name), frameLength), StandardCharsets.UTF_8);
	}

	/*
	 * Reads a declared number of bytes, refusing lengths beyond the end of the frame
	 * before allocating: a forged header must not make the gateway allocate gigabytes.
	 */
	private static byte[] read(MessageUnpacker in, int length, int frameLength) throws IOException {
		if (length < 0 || length > frameLength - in.getTotalReadBytes()) {
			throw new MalformedFrameException("declared length " + length + " exceeds the frame");
		}
		return in.readPayload(length);
	}

	private static int stringHeader(MessageUnpacker in, String name) throws IOException {
		if (in.getNextFormat().getValueType() != ValueType.STRING) {
			throw new MalformedFrameException("field '" + name + "' must be a string");
		}
		return in.unpackRawStringHeader();
	}

	private static Payload data(MessageUnpacker in, int frameLength) throws IOException {
		MessageFormat format = in.getNextFormat();
		if (format.getValueType() == ValueType.STRING) {
			return new Payload(read(in, in.unpackRawStringHeader(), frameLength), PayloadFormat.TEXT);
		}
		if (format.getValueType() == ValueType.BINARY) {
			return Payload.binary(read(in, in.unpackBinaryHeader(), frameLength));
		}
		throw new MalformedFrameException("field 'd' must be a string or binary");
	}

}
