package io.pushgateway.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tiny run of every scenario through the real harness (server and load generator
 * processes, real sockets), so the benchmark cannot rot between benchmark runs. It checks
 * that the harness works and counts correctly, not how fast anything is.
 *
 * @author Push Gateway team
 */
class BenchSmokeTests {

	@TempDir
	Path work;

	private Bench bench(String... extra) {
		List<String> args = new ArrayList<>(List.of("--work-dir", this.work.toString(), "--connections", "40",
				"--workers", "2", "--seconds", "1", "--broadcasts", "2", "--broadcast-rate", "5", "--rate", "50",
				"--concurrency", "8", "--settle-ms", "100", "--warm-up-seconds", "1", "--warm-up-broadcasts", "1",
				"--soak-seconds", "2", "--sample-seconds", "1", "--churn", "4",
				// a smoke run's JVMs live for seconds: C1 alone and the serial collector
				// start
				// them fastest
				"--server-jvm", "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC", "--worker-jvm",
				"-Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss256k"));
		args.addAll(List.of(extra));
		return new Bench(Args.parse(args.toArray(String[]::new)));
	}

	@Test
	void everyScenarioRunsAgainstTheGatewayAndReportsWhatArrived() throws Exception {
		Bench bench = bench();
		Map<String, JsonNode> results = new LinkedHashMap<>();
		for (String scenario : List.of("idle", "ramp", "broadcast", "targeted", "http-api", "soak")) {
			results.put(scenario, Bench.JSON.readTree(bench.run(scenario, "gateway")));
		}
		assertThat(results.get("idle").get("connections").asInt()).isEqualTo(40);
		assertThat(results.get("idle").get("serverConnections").asInt()).isEqualTo(40);
		assertThat(results.get("ramp").get("failed").asInt()).isZero();
		assertThat(results.get("ramp").get("handshakesPerSecond").asLong()).isPositive();
		JsonNode broadcast = results.get("broadcast");
		assertThat(broadcast.get("connections").asInt()).isEqualTo(40);
		assertThat(broadcast.get("sustained").get("delivered").asLong()).isEqualTo(5 * 40);
		assertThat(broadcast.get("sustained").get("lost").asLong()).isZero();
		assertThat(broadcast.get("lastClientMillis").get("median").asDouble()).isPositive();
		JsonNode targeted = results.get("targeted");
		for (String path : List.of("template", "http")) {
			assertThat(targeted.get(path).get("sent").asLong()).as(path).isEqualTo(50);
			assertThat(targeted.get(path).get("lost").asLong()).as(path).isZero();
		}
		JsonNode http = results.get("http-api");
		assertThat(http.get("users").asInt()).isEqualTo(4);
		assertThat(http.get("deliveries").asLong()).isEqualTo(http.get("pushesPerSecond").asLong() * 10);
		assertThat(http.get("lost").asLong()).isZero();
		assertThat(http.get("failedRequests").asLong()).isZero();
		JsonNode soak = results.get("soak");
		assertThat(soak.get("reconnects").asLong()).isEqualTo(2 * 4);
		assertThat(soak.get("samples")).hasSize(2);
		assertThat(soak.get("pushesSent").asLong()).isEqualTo(2 * 50);

		// the report renders the page section and the charts from these lines
		Path docs = Files.createDirectories(this.work.resolve("docs"));
		Files.writeString(docs.resolve("performance.md"),
				"# before\n" + BenchReport.BEGIN + "\nold\n" + BenchReport.END + "\n# after\n");
		// the raw Netty peer, measured the same way
		JsonNode netty = Bench.JSON.readTree(bench.run("broadcast", "netty"));
		assertThat(netty.get("connections").asInt()).isEqualTo(40);
		assertThat(netty.get("sustained").get("delivered").asLong()).isEqualTo(5 * 40);
		assertThat(netty.get("sustained").get("lost").asLong()).isZero();
		Map<String, Map<String, JsonNode>> report = new LinkedHashMap<>();
		report.put("gateway", results);
		report.put("netty", Map.of("idle", results.get("idle"), "ramp", results.get("ramp"), "broadcast", netty));
		BenchReport.write(report, docs);
		String page = Files.readString(docs.resolve("performance.md"));
		assertThat(page).startsWith("# before\n").endsWith("# after\n").doesNotContain("\nold\n");
		assertThat(page).contains("| figure | Push Gateway | raw Netty |")
			.contains("`PushTemplate`")
			.contains("Soak: 40");
		for (String chart : List.of("bench-memory.svg", "bench-broadcast.svg", "bench-targeted-latency.svg")) {
			assertThat(Files.readString(docs.resolve("images").resolve(chart))).startsWith("<svg").contains("</svg>");
		}
	}

	@Test
	void theClusterScenarioRunsNodesWithRedisAndKafka() throws Exception {
		Assumptions.assumeTrue(onPath("redis-server"), "redis-server not installed (apt-get install redis-server)");
		JsonNode cluster = Bench.JSON
			.readTree(bench("--nodes", "2", "--cluster-connections", "40", "--broadcasts", "1", "--rate", "20",
					"--idle-seconds", "1", "--results", "../docs/bench/results.jsonl")
				.run("cluster", "gateway"));
		assertThat(cluster.get("connections").asInt()).isEqualTo(40);
		assertThat(cluster.get("redisSessions").asLong()).isEqualTo(40);
		assertThat(cluster.get("redisBytesPerSession").asLong()).isPositive();
		assertThat(cluster.get("crossNode").get("sent").asLong()).isEqualTo(20);
		assertThat(cluster.get("crossNode").get("lost").asLong()).isZero();
		// every measured push timed at each stage, once on the issuing node (publish) and
		// once on the other node (arrival, fan-out to its one connection); the warm-up's
		// are not counted
		JsonNode stages = cluster.get("crossNode").get("stages");
		for (String stage : List.of("publishMillis", "arrivalMillis", "fanOutMillis")) {
			assertThat(stages.get(stage).get("count").asLong()).as(stage).isEqualTo(20);
			assertThat(stages.get(stage).get("p99").asDouble()).as(stage)
				.isGreaterThanOrEqualTo(stages.get(stage).get("p50").asDouble());
		}
		assertThat(stages.get("nodeGcMillis")).hasSize(2);
		assertThat(stages.get("nodeCompilerMillis")).hasSize(2);
		assertThat(stages.get("loadGcMillis")).isNotEmpty();
		assertThat(stages.get("machineIdleShare").asDouble()).isBetween(0.0, 1.0);
		assertThat(stages.get("brokerCores").asDouble()).isGreaterThanOrEqualTo(0.0);
		// the capacity model beside what the nodes and Redis did
		JsonNode model = cluster.get("model");
		for (String figure : List.of("nodeCoresIdle", "nodeCoresPushing", "nodeMemoryMiB", "redisCommandsPerSecondIdle",
				"redisCommandsPerSecondPushing", "redisMemoryMiB")) {
			assertThat(model.get(figure).get("predicted").asDouble()).as(figure).isPositive();
			assertThat(model.get(figure).has("measured")).as(figure).isTrue();
		}
	}

	@Test
	void theTokenScenarioMeasuresEveryVerifier() throws Exception {
		JsonNode tokens = Bench.JSON.readTree(bench("--tokens-count", "20").run("tokens", "gateway"));
		for (String algorithm : List.of("HS256", "RS256", "ES256")) {
			for (String verifier : List.of("nimbusProcessor", "gateway", "gatewayCacheMiss", "gatewayCacheHit")) {
				assertThat(tokens.get(algorithm).get(verifier).get("bytesAllocatedPerToken").asLong())
					.as(algorithm + " " + verifier)
					.isPositive();
			}
		}
	}

	private static boolean onPath(String command) {
		return Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
			.anyMatch((dir) -> Files.isExecutable(Path.of(dir, command)));
	}

	@Test
	void theSocketIoPeerIsMeasuredTheSameWay() throws Exception {
		boolean installed = Files.isDirectory(Path.of("socketio/node_modules/socket.io"));
		if (System.getenv("PUSH_GATEWAY_REQUIRE_SOCKETIO") != null) {
			assertThat(installed).as("npm ci in push-gateway-bench/socketio").isTrue();
		}
		Assumptions.assumeTrue(installed, "Socket.IO peer not installed (npm ci in push-gateway-bench/socketio)");
		JsonNode broadcast = Bench.JSON.readTree(bench().run("broadcast", "socketio"));
		assertThat(broadcast.get("connections").asInt()).isEqualTo(40);
		assertThat(broadcast.get("sustained").get("delivered").asLong()).isEqualTo(5 * 40);
	}

}
