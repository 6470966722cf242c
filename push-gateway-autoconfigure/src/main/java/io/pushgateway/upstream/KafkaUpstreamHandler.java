package io.pushgateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.pushgateway.cluster.kafka.BoundedKafkaProducer;
import io.pushgateway.cluster.kafka.KafkaPublishException;
import io.pushgateway.core.Payload;
import io.pushgateway.hub.GatewayUpstream;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.spi.UpstreamMessage;
import io.pushgateway.spi.UpstreamUnavailableException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.Ordered;
import org.springframework.util.PatternMatchUtils;

/**
 * Hands client messages to business services over Kafka: each message becomes one record
 * on the upstream topic, keyed by uid so one user's messages stay in order, with the
 * payload bytes untouched as the value and the routing in headers ({@code X-ID},
 * {@code X-Uid}, {@code X-Guid}, {@code X-Event}, {@code X-Socket-Id}, {@code X-Node},
 * {@code X-Format}), so consumers route without decoding. Business services answer with a
 * {@code reply} record on the downstream topic.
 *
 * <p>
 * It is the upstream handler of lowest precedence: the application's own handlers still
 * take the events they support. Publishing never blocks the event loop and is bounded
 * ({@link BoundedKafkaProducer}); when Kafka does not take a message the client gets
 * error {@code 4503}.
 *
 * @author Push Gateway team
 */
public final class KafkaUpstreamHandler implements GatewayUpstream, Ordered, InitializingBean, DisposableBean {

	private final BoundedKafkaProducer producer;

	private final String topic;

	private final String[] events;

	private final Runnable topicCheck;

	private final PushObservations observations;

	/**
	 * Create a handler that makes sure of its topic at startup and writes the trace
	 * context into its records.
	 * @param producer the producer, closed with this handler
	 * @param topic the upstream topic
	 * @param events the event name patterns to publish ({@code *} wildcards)
	 * @param topicCheck creates the topic or checks that it exists at startup
	 * @param observations observes each record's send; with tracing, its headers carry
	 * {@code traceparent}
	 */
	public KafkaUpstreamHandler(BoundedKafkaProducer producer, String topic, List<String> events, Runnable topicCheck,
			PushObservations observations) {
		this.observations = observations;
		this.producer = producer;
		this.topic = topic;
		this.events = events.toArray(new String[0]);
		this.topicCheck = topicCheck;
	}

	@Override
	public void afterPropertiesSet() {
		this.topicCheck.run();
	}

	@Override
	public boolean supports(String event) {
		return PatternMatchUtils.simpleMatch(this.events, event);
	}

	@Override
	public Mono<Payload> handle(UpstreamMessage message) {
		return this.observations
			.send(PushObservations.UPSTREAM_SEND, this.topic,
					(propagation) -> this.producer.send((producer) -> record(message, propagation)))
			.onErrorMap(KafkaPublishException.class,
					(ex) -> new UpstreamUnavailableException("upstream unavailable: " + ex.getMessage(), ex))
			.then(Mono.empty());
	}

	private ProducerRecord<String, byte[]> record(UpstreamMessage message, Map<String, String> propagation) {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(this.topic, message.uid(),
				message.payload().bytes());
		Headers headers = record.headers();
		add(headers, "X-ID", message.messageId());
		add(headers, "X-Uid", message.uid());
		if (message.guid() != null) {
			add(headers, "X-Guid", message.guid());
		}
		add(headers, "X-Event", message.event());
		add(headers, "X-Socket-Id", Long.toString(message.socketId()));
		add(headers, "X-Node", message.node());
		add(headers, "X-Format", message.payload().format().name().toLowerCase(Locale.ROOT));
		propagation.forEach((name, value) -> add(headers, name, value));
		return record;
	}

	/**
	 * Publish a record the gateway itself originates (presence transitions, undelivered
	 * pushes) to a topic through this handler's producer, with its bounds.
	 * @param topic the topic
	 * @param key the record key
	 * @param value the record value
	 * @param headers the record headers
	 * @return completes when the broker acknowledged the record
	 */
	public Mono<Void> publish(String topic, String key, byte[] value, Map<String, String> headers) {
		return this.producer.send((producer) -> {
			ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
			headers.forEach((name, header) -> add(record.headers(), name, header));
			return record;
		}).then();
	}

	/**
	 * The topic client messages go to.
	 * @return the upstream topic
	 */
	public String topic() {
		return this.topic;
	}

	private static void add(Headers headers, String name, String value) {
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void destroy() {
		this.producer.close();
	}

}
