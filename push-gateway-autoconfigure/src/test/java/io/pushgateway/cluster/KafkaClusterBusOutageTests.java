package io.pushgateway.cluster;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import io.pushgateway.cluster.kafka.KafkaBusSettings;
import io.pushgateway.cluster.kafka.KafkaClients;
import io.pushgateway.cluster.kafka.KafkaClusterBus;
import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushRules;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.ClusterBusException;
import io.pushgateway.spi.ClusterMessage;
import io.pushgateway.support.BlockHoundExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With Kafka unreachable, publishing fails within the configured bounds, with a clear
 * error, without blocking the caller's thread.
 *
 * @author Push Gateway team
 */
@ExtendWith(BlockHoundExtension.class)
class KafkaClusterBusOutageTests {

	private static ClusterMessage message(int i) {
		return new ClusterMessage.Deliver(new Push(i, PushTarget.user("u"), "e", Payload.text("x")));
	}

	@Test
	void publishingToAnUnreachableKafkaFailsWithinTheBoundsWithoutBlocking() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		KafkaClusterBus bus = new KafkaClusterBus(KafkaClients.of("127.0.0.1:" + closedPort),
				new KafkaBusSettings("downstream", false, 1, (short) 1, 2, Duration.ofSeconds(1), 1024 * 1024, 1),
				"node-a", System::nanoTime, new PushRules(Integer.MAX_VALUE), SkippedRecords.LOG_ONLY);
		try {
			long start = System.nanoTime();
			// subscribed on a non-blocking thread: BlockHound fails the test if
			// publishing blocks it
			List<Object> outcomes = Flux.range(0, 50)
				.flatMap((i) -> bus.publish(message(i))
					.subscribeOn(Schedulers.parallel())
					.thenReturn((Object) "published")
					.onErrorResume(ClusterBusException.class, (ex) -> Mono.just(ex)))
				.collectList()
				.block(Duration.ofSeconds(30));
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

			assertThat(outcomes).hasSize(50).allMatch(ClusterBusException.class::isInstance);
			assertThat(outcomes)
				.anySatisfy((ex) -> assertThat(((Exception) ex).getMessage()).contains("publish queue is full"));
			assertThat(outcomes).anySatisfy(
					(ex) -> assertThat(((Exception) ex).getMessage()).contains("Kafka did not take the record"));
			// at most one record in flight and two queued, each failing after the 1 s
			// publish timeout
			assertThat(elapsed).isLessThan(Duration.ofSeconds(10));
			assertThatExceptionOfType(ClusterBusException.class)
				.isThrownBy(() -> bus.publish(message(99)).block(Duration.ofSeconds(10)));
		}
		finally {
			bus.destroy();
		}
	}

}
