package io.pushgateway.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;

/**
 * A {@link BusRecord} as one MessagePack array, for transports without headers: the key,
 * then name and value of each header, then the value.
 *
 * @author Push Gateway team
 */
public final class BusRecordBytes {

	private BusRecordBytes() {
	}

	/**
	 * A record as one MessagePack array.
	 * @param record the record
	 * @return the bytes
	 */
	public static byte[] toBytes(BusRecord record) {
		try (MessageBufferPacker out = MessagePack.newDefaultBufferPacker()) {
			out.packArrayHeader(2 + 2 * record.headers().size());
			out.packString(record.key());
			for (BusRecord.Header header : record.headers()) {
				out.packString(header.name());
				out.packBinaryHeader(header.value().length).writePayload(header.value());
			}
			out.packBinaryHeader(record.value().length).writePayload(record.value());
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Read a record written by {@link #toBytes(BusRecord)}.
	 * @param bytes the bytes
	 * @return the record
	 * @throws IllegalArgumentException when the bytes are not such a record
	 */
	public static BusRecord fromBytes(byte[] bytes) {
		try (MessageUnpacker in = MessagePack.newDefaultUnpacker(bytes)) {
			int size = in.unpackArrayHeader();
			if (size < 2 || size % 2 != 0) {
				throw new IllegalArgumentException("not a bus record");
			}
			String key = in.unpackString();
			List<BusRecord.Header> headers = new ArrayList<>((size - 2) / 2);
			for (int i = 0; i < (size - 2) / 2; i++) {
				String name = in.unpackString();
				headers.add(new BusRecord.Header(name, in.readPayload(in.unpackBinaryHeader())));
			}
			return new BusRecord(key, headers, in.readPayload(in.unpackBinaryHeader()));
		}
		catch (IOException | MessagePackException ex) {
			throw new IllegalArgumentException("not a bus record: " + ex.getMessage(), ex);
		}
	}

}
