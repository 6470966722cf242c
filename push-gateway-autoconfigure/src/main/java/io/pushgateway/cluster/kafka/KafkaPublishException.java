package io.pushgateway.cluster.kafka;

/**
 * Signals that Kafka did not take a record in time, or that the bounded queue in front of
 * the producer was full.
 *
 * @author Push Gateway team
 */
public class KafkaPublishException extends RuntimeException {

	public KafkaPublishException(String message) {
		super(message);
	}

	public KafkaPublishException(String message, Throwable cause) {
		super(message, cause);
	}

}
