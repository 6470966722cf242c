package io.pushgateway.id;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import io.pushgateway.support.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SnowflakeIdGeneratorTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));

	@Test
	void idCarriesTimestampAndWorkerId() {
		SnowflakeIdGenerator ids = new SnowflakeIdGenerator(513, this.clock);
		long id = ids.nextId();
		assertThat(id).isPositive();
		assertThat(SnowflakeIdGenerator.workerIdOf(id)).isEqualTo(513);
		assertThat(SnowflakeIdGenerator.timestampOf(id)).isEqualTo(Instant.parse("2026-06-01T00:00:00Z"));
	}

	@Test
	void idsFromDifferentWorkersNeverCollide() {
		SnowflakeIdGenerator a = new SnowflakeIdGenerator(1, this.clock);
		SnowflakeIdGenerator b = new SnowflakeIdGenerator(2, this.clock);
		Set<Long> seen = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			assertThat(seen.add(a.nextId())).isTrue();
			assertThat(seen.add(b.nextId())).isTrue();
		}
	}

	@Test
	void moreThan4096IdsInOneMillisecondStayUniqueAndIncreasing() {
		SnowflakeIdGenerator ids = new SnowflakeIdGenerator(7, this.clock);
		long previous = 0;
		for (int i = 0; i < 20_000; i++) {
			long id = ids.nextId();
			assertThat(id).isGreaterThan(previous);
			assertThat(SnowflakeIdGenerator.workerIdOf(id)).isEqualTo(7);
			previous = id;
		}
	}

	@Test
	void clockMovingBackwardsDoesNotRepeatIds() {
		SnowflakeIdGenerator ids = new SnowflakeIdGenerator(3, this.clock);
		long beforeRollback = ids.nextId();
		this.clock.advance(Duration.ofMillis(-5_000));
		long afterRollback = ids.nextId();
		assertThat(afterRollback).isGreaterThan(beforeRollback);
		assertThat(ids.clockRollbacks()).isEqualTo(1);
		this.clock.advance(Duration.ofMillis(10_000));
		assertThat(ids.nextId()).isGreaterThan(afterRollback);
	}

	@Test
	void concurrentCallersGetDistinctIds() throws InterruptedException {
		SnowflakeIdGenerator ids = new SnowflakeIdGenerator(9, Clock.systemUTC());
		Set<Long> seen = ConcurrentHashMap.newKeySet();
		CountDownLatch done = new CountDownLatch(4);
		for (int t = 0; t < 4; t++) {
			new Thread(() -> {
				for (int i = 0; i < 50_000; i++) {
					seen.add(ids.nextId());
				}
				done.countDown();
			}).start();
		}
		done.await();
		assertThat(seen).hasSize(200_000);
	}

	@Test
	void workerIdOutOfRangeIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SnowflakeIdGenerator(1024, this.clock));
		assertThatIllegalArgumentException().isThrownBy(() -> new SnowflakeIdGenerator(-1, this.clock));
	}

	@Test
	void ipv4StrategyUsesLowTenBits() throws Exception {
		Inet4Address address = (Inet4Address) InetAddress.getByName("10.1.7.200");
		assertThat(WorkerIdStrategy.ipv4(address).workerId()).isEqualTo((3 << 8) | 200);
	}

	@Test
	void podOrdinalStrategyReadsStatefulSetHostname() {
		assertThat(WorkerIdStrategy.podOrdinal("push-gateway-17").workerId()).isEqualTo(17);
		for (String bad : List.of("push-gateway", "gateway-2000")) {
			assertThatIllegalArgumentException().isThrownBy(() -> WorkerIdStrategy.podOrdinal(bad).workerId());
		}
	}

}
