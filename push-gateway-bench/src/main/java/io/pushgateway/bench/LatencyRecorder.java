package io.pushgateway.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one {@link LoadWorker} measures: for every message that carries a send timestamp
 * ({@code "n":} followed by the sender's {@link System#nanoTime()}, which on Linux is the
 * machine-wide monotonic clock), the time from send to receipt, and how many such
 * messages arrived. Recorded on the event loop, read by the control channel.
 *
 * @author Push Gateway team
 */
final class LatencyRecorder {

	private final Recorder latencies = new Recorder(TimeUnit.SECONDS.toNanos(120), 3);

	private final LongAdder received = new LongAdder();

	/*
	 * Record the time since the message's send timestamp, if it has one; whether it had
	 * one.
	 */
	boolean record(ByteBuf content) {
		long sent = timestamp(content);
		if (sent > 0) {
			long latency = System.nanoTime() - sent;
			this.latencies.recordValue(Math.max(0, Math.min(latency, TimeUnit.SECONDS.toNanos(120))));
			this.received.increment();
			return true;
		}
		return false;
	}

	/* The timed messages received since the last reset. */
	long received() {
		return this.received.sum();
	}

	void reset() {
		this.latencies.reset();
		this.received.reset();
	}

	/*
	 * The times recorded since the last reset or interval histogram, as a compressed
	 * HdrHistogram in Base64.
	 */
	String intervalHistogram() {
		Histogram histogram = this.latencies.getIntervalHistogram();
		ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
		int length = histogram.encodeIntoCompressedByteBuffer(buffer);
		return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
	}

	/*
	 * The send timestamp after {@code "n":} (digits, possibly quoted), or -1; scans the
	 * frame in place without decoding it.
	 */
	static long timestamp(ByteBuf content) {
		int start = content.readerIndex();
		int end = content.writerIndex();
		for (int i = start; i + 4 < end; i++) {
			if (content.getByte(i) == '"' && content.getByte(i + 1) == 'n' && content.getByte(i + 2) == '"'
					&& content.getByte(i + 3) == ':') {
				long value = 0;
				int j = i + 4;
				if (j < end && content.getByte(j) == '"') {
					j++;
				}
				boolean digits = false;
				for (; j < end; j++) {
					byte b = content.getByte(j);
					if (b < '0' || b > '9') {
						break;
					}
					value = value * 10 + (b - '0');
					digits = true;
				}
				return digits ? value : -1;
			}
		}
		return -1;
	}

}
