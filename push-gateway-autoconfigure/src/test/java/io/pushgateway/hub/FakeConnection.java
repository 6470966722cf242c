package io.pushgateway.hub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.JsonFrameCodec;
import io.pushgateway.spi.PushPrincipal;

/**
 * A connection that records what was written to it, on an executor that runs tasks at
 * once.
 */
public class FakeConnection extends PushConnection {

	final List<String> written = new ArrayList<>();

	int flushes;

	Integer closeCode;

	public FakeConnection(long socketId, String uid, String... guids) {
		this(socketId, uid, new JsonFrameCodec(), guids);
	}

	FakeConnection(long socketId, String uid, FrameCodec codec, String... guids) {
		super(socketId, PushPrincipal.of(uid), Set.of(guids), codec, 0);
	}

	@Override
	public EventExecutor eventLoop() {
		return ImmediateEventExecutor.INSTANCE;
	}

	@Override
	public boolean write(ByteBuf frame) {
		this.written.add(frame.toString(StandardCharsets.ISO_8859_1));
		frame.release();
		return this.closeCode == null;
	}

	@Override
	public void flush() {
		this.flushes++;
	}

	@Override
	public void close(int code, String reason) {
		this.closeCode = code;
	}

	@Override
	public boolean isOpen() {
		return this.closeCode == null;
	}

	@Override
	public long queuedBytes() {
		return 0;
	}

}
