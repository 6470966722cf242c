package io.pushgateway.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.pushgateway.spi.ClusterMessage;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ClusterMessage} as it travels between nodes: a key for per-target ordering,
 * the routing in headers, and the payload bytes untouched as the value, so a node routes
 * without decoding payloads and a service in any language can produce the same records.
 * The header names are documented in {@code docs/cluster.md}. A message becomes a record
 * by {@link BusRecordEncoder} and a record a message again by {@link BusRecordDecoder};
 * {@link BusRecordBytes} is its form for transports without headers.
 *
 * @param key the partitioning key: one target always maps to the same key
 * @param headers the headers, in order; a name may repeat ({@code X-Uid} for several
 * users)
 * @param value the payload bytes, the close reason of a disconnect, or a relay's body
 * @author Push Gateway team
 */
public record BusRecord(String key, List<Header> headers, byte[] value) {

	/** The message ID, a decimal Snowflake ID. */
	public static final String ID = "X-ID";

	/**
	 * The node that published the record; absent on records produced outside the gateway.
	 */
	public static final String NODE = "X-Node";

	/**
	 * The publishing node's process: a random token each node's bus draws when it starts.
	 * Only nodes set it, so a record produced outside the gateway is never taken for a
	 * node's own, even when it copies {@code X-Node} from an upstream record.
	 */
	public static final String INSTANCE = "X-Node-Instance";

	/**
	 * {@code push} (the default when absent), {@code reply}, {@code ack},
	 * {@code disconnect} or {@code relay}.
	 */
	public static final String TYPE = "X-Type";

	/** {@code user}, {@code users}, {@code guid}, {@code socket} or {@code all}. */
	public static final String TARGET = "X-Target";

	/** A target user; repeated for a push to several users. */
	public static final String UID = "X-Uid";

	/** The target GUID. */
	public static final String GUID = "X-Guid";

	/** The target socket ID, decimal. */
	public static final String SOCKET_ID = "X-Socket-Id";

	/** The event name. */
	public static final String EVENT = "X-Event";

	/** {@code json} (the default when absent), {@code text} or {@code binary}. */
	public static final String FORMAT = "X-Format";

	/** The client message ID a reply answers. */
	public static final String REPLY_TO = "X-Reply-To";

	/** {@code 1} when clients are asked to acknowledge the push. */
	public static final String ACK = "X-Ack";

	/** The position of a recoverable push in its target's stream. */
	public static final String POSITION = "X-Position";

	/** The close code of a disconnect. */
	public static final String CLOSE_CODE = "X-Close-Code";

	/** A disconnect's filter: only connections opened with the credential of this ID. */
	public static final String TOKEN_ID = "X-Token-Id";

	/**
	 * A disconnect's filter: only connections whose credential was issued before this
	 * (milliseconds since the epoch), or says nothing of when.
	 */
	public static final String ISSUED_BEFORE = "X-Issued-Before";

	/**
	 * Propagation headers a push record may carry (W3C trace context and baggage, B3),
	 * written by the issuing node's tracer and read by the delivering node's.
	 */
	public static final List<String> PROPAGATED = List.of("traceparent", "tracestate", "baggage", "b3");

	/** The node a relay is addressed to. */
	public static final String TO = "X-To";

	/** The transport a relay belongs to, for example {@code polling}. */
	public static final String CHANNEL = "X-Channel";

	/**
	 * The first value of a header.
	 * @param name the header name
	 * @return the value, or {@code null}
	 */
	public @Nullable String header(String name) {
		for (Header header : this.headers) {
			if (header.name().equals(name)) {
				return header.text();
			}
		}
		return null;
	}

	/**
	 * Every value of a header.
	 * @param name the header name
	 * @return the values
	 */
	public List<String> headers(String name) {
		List<String> values = new ArrayList<>(1);
		for (Header header : this.headers) {
			if (header.name().equals(name)) {
				values.add(header.text());
			}
		}
		return values;
	}

	/**
	 * Whether a node process with this token published the record.
	 * @param instance the token
	 * @return {@code true} for the process's own records
	 */
	public boolean isFrom(String instance) {
		return instance.equals(header(INSTANCE));
	}

	/**
	 * One header.
	 *
	 * @param name the name
	 * @param value the UTF-8 value
	 */
	public record Header(String name, byte[] value) {

		public String text() {
			return new String(this.value, StandardCharsets.UTF_8);
		}

	}

}
