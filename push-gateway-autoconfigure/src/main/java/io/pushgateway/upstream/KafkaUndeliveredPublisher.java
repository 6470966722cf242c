package io.pushgateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.pushgateway.cluster.kafka.BoundedKafkaProducer;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.UndeliveredListener;
import io.pushgateway.core.UndeliveredPush;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * Publishes pushes that reached nobody to the undelivered Kafka topic, so a service can
 * fall back to mobile push, e-mail or SMS. One record per undelivered push (per user for
 * a push to several users), from the node that issued it: the payload bytes untouched as
 * the value, the routing in headers ({@code X-ID} the push's message ID, {@code X-Event},
 * {@code X-Format}, {@code X-Uid}, {@code X-Guid} or {@code X-Socket-Id} by target,
 * {@code X-Target}, {@code X-Reason} {@code offline} or {@code unacknowledged},
 * {@code X-Node}); the key is the user (the GUID, the socket ID, or {@code *} for
 * everyone).
 *
 * @author Push Gateway team
 */
public final class KafkaUndeliveredPublisher implements UndeliveredListener, InitializingBean, DisposableBean {

	private static final Log logger = LogFactory.getLog(KafkaUndeliveredPublisher.class);

	private final BoundedKafkaProducer producer;

	private final String topic;

	private final String node;

	private final Runnable topicCheck;

	/**
	 * Create a publisher.
	 * @param producer the producer, closed with this publisher
	 * @param topic the undelivered topic
	 * @param node this node's ID ({@code X-Node})
	 * @param topicCheck creates the topic or checks that it exists; run once at startup,
	 * failing it fails the startup
	 */
	public KafkaUndeliveredPublisher(BoundedKafkaProducer producer, String topic, String node, Runnable topicCheck) {
		this.producer = producer;
		this.topic = topic;
		this.node = node;
		this.topicCheck = topicCheck;
	}

	@Override
	public void afterPropertiesSet() {
		this.topicCheck.run();
	}

	@Override
	public void onUndelivered(UndeliveredPush push) {
		this.producer.send((producer) -> record(push))
			.subscribe(null, (error) -> logger.warn("Undelivered push " + push.messageId() + " not published to "
					+ this.topic + ": " + error.getMessage()));
	}

	private ProducerRecord<String, byte[]> record(UndeliveredPush push) {
		PushTarget target = push.target();
		String key;
		String kind;
		ProducerRecord<String, byte[]> record;
		if (target instanceof PushTarget.User user) {
			key = user.uid();
			kind = "user";
		}
		else if (target instanceof PushTarget.Guid guid) {
			key = guid.guid();
			kind = "guid";
		}
		else if (target instanceof PushTarget.Socket socket) {
			key = Long.toString(socket.socketId());
			kind = "socket";
		}
		else {
			key = "*";
			kind = "all";
		}
		record = new ProducerRecord<>(this.topic, key, push.payload().bytes());
		Headers headers = record.headers();
		add(headers, "X-ID", push.messageId());
		add(headers, "X-Event", push.event());
		add(headers, "X-Format", push.payload().format().name().toLowerCase(Locale.ROOT));
		add(headers, "X-Target", kind);
		switch (kind) {
			case "user" -> add(headers, "X-Uid", key);
			case "guid" -> add(headers, "X-Guid", key);
			case "socket" -> add(headers, "X-Socket-Id", key);
			default -> {
			}
		}
		add(headers, "X-Reason", push.reason().tag());
		add(headers, "X-Node", this.node);
		return record;
	}

	private static void add(Headers headers, String name, String value) {
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public void destroy() {
		this.producer.close();
	}

}
