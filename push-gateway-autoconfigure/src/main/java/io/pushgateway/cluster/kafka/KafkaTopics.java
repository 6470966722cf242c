package io.pushgateway.cluster.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the gateway's Kafka topics at startup, with an admin client that gets the same
 * connection and security settings as the gateway's producers and consumers.
 *
 * @author Push Gateway team
 */
public final class KafkaTopics {

	private KafkaTopics() {
	}

	/**
	 * Create topics that do not exist yet.
	 * @param clients where the admin client comes from
	 * @param topics the topics
	 * @throws KafkaTopicException when a topic cannot be created
	 */
	public static void create(KafkaClients clients, Collection<NewTopic> topics) {
		try (Admin admin = clients.admin()) {
			for (NewTopic topic : topics) {
				try {
					admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
					if (!(cause instanceof TopicExistsException)) {
						throw new KafkaTopicException(
								"Cannot create Kafka topic '" + topic.name() + "': " + cause.getMessage(), cause);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new KafkaTopicException("Interrupted while creating Kafka topic '" + topic.name() + "'", ex);
				}
				catch (TimeoutException ex) {
					throw new KafkaTopicException("Timed out creating Kafka topic '" + topic.name()
							+ "': are the bootstrap servers and the security settings right?", ex);
				}
			}
		}
	}

	/**
	 * Check that topics exist, for a gateway told not to create them.
	 * @param clients where the admin client comes from
	 * @param topics the topic names
	 * @param property the property that would create them, for the message
	 * @throws KafkaTopicException when one is missing or the check fails
	 */
	public static void requireExisting(KafkaClients clients, Collection<String> topics, String property) {
		try (Admin admin = clients.admin()) {
			Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
			for (String topic : topics) {
				if (!existing.contains(topic)) {
					throw new KafkaTopicException("Kafka topic '" + topic + "' does not exist: create it, or set "
							+ property + "=true to let the gateway create it");
				}
			}
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new KafkaTopicException("Cannot list Kafka topics: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new KafkaTopicException("Interrupted while listing Kafka topics", ex);
		}
	}

	/** A topic the gateway needs cannot be created or is missing. */
	public static final class KafkaTopicException extends RuntimeException {

		KafkaTopicException(String message, Throwable cause) {
			super(message, cause);
		}

		KafkaTopicException(String message) {
			super(message);
		}

	}

}
