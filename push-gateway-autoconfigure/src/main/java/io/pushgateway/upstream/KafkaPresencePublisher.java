package io.pushgateway.upstream;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.pushgateway.core.PayloadEncoder;
import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PresenceListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Publishes presence transitions to the upstream Kafka topic, beside client messages, so
 * business services learn who came and went from the topic they already consume. Each
 * record has the usual routing headers ({@code X-ID}, {@code X-Uid}, {@code X-Guid},
 * {@code X-Event} such as {@code presence.online}, {@code X-Node}, {@code X-Format}); the
 * key is the user (the GUID for {@code presence.occupied}/{@code presence.vacated}), and
 * the value a small JSON object with the same fields and the time.
 *
 * @author Push Gateway team
 */
public final class KafkaPresencePublisher implements PresenceListener {

	private static final Log logger = LogFactory.getLog(KafkaPresencePublisher.class);

	private final KafkaUpstreamHandler upstream;

	private final PayloadEncoder encoder;

	private final LongSupplier ids;

	private final String node;

	/**
	 * Create a publisher.
	 * @param upstream the upstream handler whose producer and topic are used
	 * @param encoder encodes the record value as JSON
	 * @param ids the IDs of the records ({@code X-ID})
	 * @param node this node's ID ({@code X-Node}: the node that observed the transition)
	 */
	public KafkaPresencePublisher(KafkaUpstreamHandler upstream, PayloadEncoder encoder, LongSupplier ids,
			String node) {
		this.upstream = upstream;
		this.encoder = encoder;
		this.ids = ids;
		this.node = node;
	}

	@Override
	public void onPresence(PresenceEvent event) {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("type", event.type().eventName());
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("X-ID", Long.toString(this.ids.getAsLong()));
		if (event.uid() != null) {
			value.put("uid", event.uid());
			headers.put("X-Uid", event.uid());
		}
		if (event.guid() != null) {
			value.put("guid", event.guid());
			headers.put("X-Guid", event.guid());
		}
		value.put("at", event.at().toEpochMilli());
		value.put("node", this.node);
		headers.put("X-Event", event.type().eventName());
		headers.put("X-Node", this.node);
		headers.put("X-Format", "json");
		String uid = event.uid();
		String key = (uid != null) ? uid : String.valueOf(event.guid());
		this.upstream.publish(this.upstream.topic(), key, this.encoder.encode(value).bytes(), headers)
			.subscribe(null, (error) -> logger
				.warn("Presence transition " + event + " not published upstream: " + error.getMessage()));
	}

}
