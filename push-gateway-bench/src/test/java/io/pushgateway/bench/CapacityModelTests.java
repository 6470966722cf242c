package io.pushgateway.bench;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.offset;

/**
 * Tests for {@link CapacityModel}: each figure follows from the per-unit costs of a run.
 *
 * @author Push Gateway team
 */
class CapacityModelTests {

	private static final List<String> RUN = List.of(
			"{\"scenario\":\"idle\",\"target\":\"gateway\",\"rssBytesPerConnection\":5000}",
			"{\"scenario\":\"idle\",\"target\":\"netty\",\"rssBytesPerConnection\":2000}",
			"{\"scenario\":\"ramp\",\"target\":\"gateway\",\"cpuMicrosPerHandshake\":300}",
			"{\"scenario\":\"broadcast\",\"target\":\"gateway\",\"sustained\":{\"cpuNanosPerDelivery\":8000}}",
			"{\"scenario\":\"http-api\",\"target\":\"gateway\",\"serverCpuMicrosPerPush\":200}",
			"{\"scenario\":\"http-api\",\"target\":\"gateway\",\"variant\":\"x\",\"serverCpuMicrosPerPush\":999}",
			"{\"scenario\":\"cluster\",\"target\":\"gateway\",\"redisBytesPerSession\":500,"
					+ "\"crossNode\":{\"latencyMillis\":{\"p99\":100}}}");

	@Test
	void figuresFollowFromTheGatewaysPerUnitCosts() {
		Map<String, Double> measured = CapacityModel.measured(RUN);
		assertThat(measured).containsEntry("bytesPerConnection", 5000.0).containsEntry("apiCpuMicrosPerPush", 200.0);
		Map<String, Double> m = new CapacityModel(measured, Args.parse(new String[0])).model(1_000_000);
		// one push per connection per minute, one broadcast per minute
		assertThat(m.get("deliveriesPerSecond")).isEqualTo(1_000_000 / 60.0 + 1_000_000 / 60.0);
		assertThat(m.get("coresDeliveries")).isEqualTo(m.get("deliveriesPerSecond") * 8000 / 1e9);
		assertThat(m.get("memoryGibTotal"))
			.isEqualTo((5000 + CapacityModel.CLUSTER_BYTES_PER_CONNECTION) * 1e6 / (1L << 30));
		assertThat(m.get("nodes")).isGreaterThanOrEqualTo(Math.max(m.get("nodesByCpu"), m.get("nodesByMemory")));
		assertThat(m.get("redisMemoryGib")).isEqualTo(5e8 / (1L << 30));
	}

	@Test
	void tenTimesTheConnectionsTenTimesTheWorkWithTargetedRouting() {
		CapacityModel model = new CapacityModel(CapacityModel.measured(RUN),
				Args.parse(new String[] { "--routing=targeted" }));
		Map<String, Double> one = model.model(1_000_000);
		Map<String, Double> ten = model.model(10_000_000);
		for (String perConnection : List.of("coresIdle", "coresHandshakes", "coresDeliveries", "coresPushApi",
				"coresBus")) {
			assertThat(ten.get(perConnection)).as(perConnection).isCloseTo(10 * one.get(perConnection), offset(1e-6));
		}
		// the nodes' own cost follows the number of nodes, which is rounded up
		assertThat(ten.get("coresNodes")).isEqualTo(ten.get("nodes") * CapacityModel.NODE_FIXED_CORES);
		assertThat(ten.get("coresTotal")).isBetween(9 * one.get("coresTotal"), 11 * one.get("coresTotal"));
		assertThat(ten.get("redisCommandsPerSecond")).isGreaterThan(9 * one.get("redisCommandsPerSecond"));
	}

	@Test
	void withBroadcastRoutingEveryNodeTakesEveryPushUntilNoNumberOfNodesHoldsThem() {
		CapacityModel given = new CapacityModel(CapacityModel.measured(RUN), Args.parse(new String[] { "--nodes=6" }));
		Map<String, Double> six = given.model(1_000_000);
		double pushesPerSecond = 1_000_000 / 60.0;
		assertThat(six.get("coresBus"))
			.isCloseTo(6 * pushesPerSecond * CapacityModel.BUS_CPU_MICROS_PER_PUSH_AND_NODE / 1e6, offset(1e-9));
		assertThat(six.get("coresNodes")).isCloseTo(6 * CapacityModel.NODE_FIXED_CORES, offset(1e-9));
		Map<String, Double> tooMany = new CapacityModel(CapacityModel.measured(RUN), Args.parse(new String[0]))
			.model(10_000_000);
		assertThat(tooMany.get("nodes")).isInfinite();
		assertThat(CapacityModel.format(tooMany.get("nodes"))).isEqualTo("no number");
	}

	@Test
	void theDynamicHeartbeatCostsLessIdleCpuAndRedis() {
		Map<String, Double> measured = CapacityModel.measured(RUN);
		Map<String, Double> fixed = new CapacityModel(measured, Args.parse(new String[0])).model(1_000_000);
		Map<String, Double> dynamic = new CapacityModel(measured, Args.parse(new String[] { "--heartbeat=dynamic" }))
			.model(1_000_000);
		assertThat(dynamic.get("coresIdle")).isLessThan(fixed.get("coresIdle"));
		assertThat(dynamic.get("redisCommandsPerSecond")).isLessThan(fixed.get("redisCommandsPerSecond"));
	}

	@Test
	void pastOneRedisTheModelSizesARedisCluster() {
		CapacityModel model = new CapacityModel(CapacityModel.measured(RUN), Args.parse(new String[0]));
		Map<String, Double> small = model.model(10_000);
		Map<String, Double> large = model.model(10_000_000);
		assertThat(small.get("redisClusterMasters")).isZero();
		double needed = large.get("redisCommandsPerSecond") * CapacityModel.REDIS_CLUSTER_COMMAND_FACTOR
				/ CapacityModel.REDIS_COMMANDS_PER_SECOND;
		assertThat(large.get("redisClusterMasters")).isEqualTo(Math.ceil(needed));
		assertThat(CapacityModel.firstBottleneck(large)).contains("Redis Cluster of");
	}

	@Test
	void aRunWithoutAFigureTheModelNeedsIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CapacityModel.measured(RUN.subList(0, 3)))
			.withMessageContaining("deliveryCpuNanos");
	}

}
