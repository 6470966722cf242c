package io.pushgateway.devtools;

import java.util.concurrent.CountDownLatch;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Runs a single Kafka broker in KRaft mode on a fixed port until the process is stopped,
 * for running a gateway cluster locally. The broker comes from Kafka's own jars on Maven
 * Central (through spring-kafka-test), so no download from elsewhere and no Docker is
 * needed.
 *
 * @author Push Gateway team
 */
public final class DevKafkaBroker {

	private DevKafkaBroker() {
	}

	public static void main(String[] args) throws InterruptedException {

		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 12);
		broker.afterPropertiesSet();
		Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
		System.out.println("Kafka broker (KRaft) ready on " + broker.getBrokersAsString());
		new CountDownLatch(1).await();
	}

}
