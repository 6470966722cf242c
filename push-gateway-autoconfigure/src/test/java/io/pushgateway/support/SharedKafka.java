package io.pushgateway.support;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One in-process KRaft broker for every test class of a test JVM that only uses it, not
 * kills it: started by the first, left to the JVM's exit. Classes keep apart by topic
 * names of their own ({@link TestCluster#topic(String)}); a test that stops or kills its
 * broker starts one of its own.
 *
 * @author Push Gateway team
 */
public final class SharedKafka {

	private static EmbeddedKafkaKraftBroker broker;

	private SharedKafka() {
	}

	/**
	 * The broker's bootstrap servers, starting it on first use.
	 * @return {@code host:port}
	 */
	public static synchronized String bootstrapServers() {
		if (broker == null) {
			EmbeddedKafkaKraftBroker started = new EmbeddedKafkaKraftBroker(1, 3);
			started.afterPropertiesSet();
			broker = started;
		}
		return broker.getBrokersAsString();
	}

}
