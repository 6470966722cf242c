package io.pushgateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * The capacity model of {@code docs/performance.md}: how many nodes, how much memory,
 * Redis and Kafka a number of connections needs under a stated push mix, each line
 * derived from a per-unit cost the benchmark measured ({@code docs/bench/results.jsonl},
 * the gateway's lines) or, where the {@code all} run does not measure it, from a figure
 * of {@code docs/performance.md} given as a default here, with its source.
 *
 * <pre>
 * scripts/capacity.sh [--results docs/bench/results.jsonl] [--connections 1000000,10000000]
 *     [--pushes-per-connection-per-minute 1] [--broadcasts-per-minute 1]
 *     [--connection-lifetime-minutes 30] [--payload-bytes 200]
 *     [--node-cores 4] [--node-memory-gib 16] [--headroom 0.6] [--heartbeat fixed|dynamic]
 *     [--routing broadcast|targeted] [--nodes n]
 * </pre>
 *
 * @author Push Gateway team
 */
public final class CapacityModel {

	/**
	 * Idle CPU per connection, microseconds per second, with the fixed 25 s heartbeat and
	 * the Redis registry: the six nodes' CPU with 102,000 idle connections less their CPU
	 * with none, in the cluster runs B, C and D (0.18, 0.17 and 0.19 cores) and F, G and
	 * H (0.06, 0.20 and 0.22 cores) of 2026-12-07 (docs/performance.md, 100,000
	 * connections). The earlier figure, 65 ms/s for 19,000 on one node, held that node's
	 * own cost too, which {@link #NODE_FIXED_CORES} now counts.
	 */
	static final double IDLE_CPU_MICROS_FIXED = (0.18 + 0.17 + 0.19 + 0.06 + 0.20 + 0.22) / 6 * 1e6 / 102_000;

	/**
	 * The same with the dynamic heartbeat: 23 ms/s for 19,000 on one node, that node's
	 * own cost included (not separated yet: an upper bound).
	 */
	static final double IDLE_CPU_MICROS_DYNAMIC = 23_000.0 / 19_000;

	/**
	 * Redis commands per second per idle connection, fixed heartbeat: 1,333/s for 19,000.
	 */
	static final double REDIS_COMMANDS_IDLE_FIXED = 1_333.0 / 19_000;

	/** The same with the dynamic heartbeat: 406/s for 19,000. */
	static final double REDIS_COMMANDS_IDLE_DYNAMIC = 406.0 / 19_000;

	/**
	 * Redis commands per connection lifecycle (connect, join, disconnect) with presence
	 * on ({@code scripts/measure-presence-cost.sh}: 35.1).
	 */
	static final double REDIS_COMMANDS_PER_LIFECYCLE = 35.1;

	/** Bytes of a bus record beside its payload: the routing headers and the key. */
	static final int RECORD_OVERHEAD_BYTES = 150;

	/**
	 * Redis commands on a Redis Cluster per command on one Redis, for idle connections:
	 * 7.09 against 4.85 per connection per minute (docs/cluster.md, measured with
	 * {@code scripts/measure-registry-cost.sh}): a last-seen write is a script call of
	 * its own on a cluster.
	 */
	static final double REDIS_CLUSTER_COMMAND_FACTOR = 7.09 / 4.85;

	/**
	 * What a node costs beside its connections, in cores (Kafka consumers' polls, the
	 * registry's node heartbeat, timers): six nodes with no connection used 0.37, 0.17
	 * and 0.18 cores in the cluster runs F, G and H of 2026-12-07, with the bus
	 * consumers' fetch wait of 500 ms (at the 10 ms of before, runs B, C and D measured
	 * 0.61, 0.42 and 0.39).
	 */
	static final double NODE_FIXED_CORES = (0.37 + 0.17 + 0.18) / 3 / 6;

	/**
	 * CPU per push and node with the bus's default broadcast routing (every node takes
	 * every record), microseconds: 1,000 pushes/s from one node to users on the others
	 * took 0.79, 0.81 and 0.74 cores more than idle in runs F, G and H, over 6 nodes (at
	 * the fetch wait of 10 ms, runs B, C and D: 0.41, 0.57 and 0.62; the nodes' CPU while
	 * pushing was the same, 1.14 to 1.22 cores: under load the consumers fetch about a
	 * record at a time with either wait, what moved is how much of it the idle window
	 * held).
	 */
	static final double BUS_CPU_MICROS_PER_PUSH_AND_NODE = (0.79 + 0.81 + 0.74) / 3 * 1e6 / 1000 / 6;

	/**
	 * Memory a cluster node holds per connection beyond what the {@code idle} scenario
	 * measures on one embedded node, in bytes: runs F, G and H measured 3,199, 2,995 and
	 * 3,207 B per connection on six nodes with the Redis registry and the Kafka bus,
	 * against 2,397 B in the {@code idle} scenario of the last {@code all} run (runs C, D
	 * and E, against the 4,715 B of their own reference run, 761 to 885 B more).
	 * Measured, not attributed to a structure.
	 */
	static final double CLUSTER_BYTES_PER_CONNECTION = (802 + 598 + 810) / 3.0;

	/** What one Redis (one core) is taken to serve, commands per second. */
	static final double REDIS_COMMANDS_PER_SECOND = 100_000;

	private final Map<String, Double> measured;

	private final Args args;

	CapacityModel(Map<String, Double> measured, Args args) {
		this.measured = measured;
		this.args = args;
	}

	public static void main(String[] arguments) throws IOException {
		Args args = Args.parse(arguments);
		Path results = Path.of(args.get("results", "docs/bench/results.jsonl"));
		System.out.print(new CapacityModel(measured(Files.readAllLines(results)), args).report());
	}

	/**
	 * The per-unit costs of the gateway's lines.
	 * @param lines the JSON lines of a benchmark run
	 * @return the costs by name
	 */
	static Map<String, Double> measured(List<String> lines) {
		Map<String, Double> costs = new LinkedHashMap<>();
		for (String line : lines) {
			if (line.isBlank()) {
				continue;
			}
			JsonNode result = Bench.JSON.readTree(line);
			if (!"gateway".equals(result.path("target").asString()) || result.has("variant")) {
				continue;
			}
			switch (result.path("scenario").asString()) {
				case "idle" -> costs.put("bytesPerConnection", result.path("rssBytesPerConnection").asDouble());
				case "ramp" -> costs.put("handshakeCpuMicros", result.path("cpuMicrosPerHandshake").asDouble());
				case "broadcast" ->
					costs.put("deliveryCpuNanos", result.path("sustained").path("cpuNanosPerDelivery").asDouble());
				case "http-api" -> costs.put("apiCpuMicrosPerPush", result.path("serverCpuMicrosPerPush").asDouble());
				case "cluster" -> {
					costs.put("redisBytesPerSession", result.path("redisBytesPerSession").asDouble());
					costs.put("crossNodeP99Millis",
							result.path("crossNode").path("latencyMillis").path("p99").asDouble());
				}
				default -> {
				}
			}
		}
		for (String needed : List.of("bytesPerConnection", "handshakeCpuMicros", "deliveryCpuNanos",
				"apiCpuMicrosPerPush", "redisBytesPerSession")) {
			if (!costs.containsKey(needed)) {
				throw new IllegalArgumentException("the results have no gateway figure for " + needed);
			}
		}
		return costs;
	}

	/**
	 * The model for one number of connections.
	 * @param connections the connections
	 * @return the figures by name
	 */
	Map<String, Double> model(double connections) {
		boolean dynamic = "dynamic".equals(this.args.get("heartbeat", "fixed"));
		double pushesPerMinute = Double.parseDouble(this.args.get("pushes-per-connection-per-minute", "1"));
		double broadcastsPerMinute = Double.parseDouble(this.args.get("broadcasts-per-minute", "1"));
		double lifetimeMinutes = Double.parseDouble(this.args.get("connection-lifetime-minutes", "30"));
		double payloadBytes = Double.parseDouble(this.args.get("payload-bytes", "200"));
		double cores = Double.parseDouble(this.args.get("node-cores", "4"));
		double memoryGib = Double.parseDouble(this.args.get("node-memory-gib", "16"));
		double headroom = Double.parseDouble(this.args.get("headroom", "0.6"));

		Map<String, Double> m = new LinkedHashMap<>();
		double pushesPerSecond = connections * pushesPerMinute / 60;
		double broadcastsPerSecond = broadcastsPerMinute / 60;
		double deliveriesPerSecond = pushesPerSecond + broadcastsPerSecond * connections;
		double handshakesPerSecond = connections / (lifetimeMinutes * 60);
		double idleCpu = dynamic ? IDLE_CPU_MICROS_DYNAMIC : IDLE_CPU_MICROS_FIXED;
		m.put("pushesPerSecond", pushesPerSecond);
		m.put("deliveriesPerSecond", deliveriesPerSecond);
		m.put("handshakesPerSecond", handshakesPerSecond);
		// CPU, in cores: idle connections, handshakes, deliveries, and every push taken
		// in through the HTTP API (the dearer way in; PushTemplate and gRPC cost less)
		m.put("coresIdle", connections * idleCpu / 1e6);
		m.put("coresHandshakes", handshakesPerSecond * this.measured.get("handshakeCpuMicros") / 1e6);
		m.put("coresDeliveries", deliveriesPerSecond * this.measured.get("deliveryCpuNanos") / 1e9);
		m.put("coresPushApi", pushesPerSecond * this.measured.get("apiCpuMicrosPerPush") / 1e6);
		double perConnection = m.get("coresIdle") + m.get("coresHandshakes") + m.get("coresDeliveries")
				+ m.get("coresPushApi");
		// the model is of a cluster: every node has the Redis registry and a bus
		double memoryBytes = connections * (this.measured.get("bytesPerConnection") + CLUSTER_BYTES_PER_CONNECTION);
		m.put("memoryGibTotal", memoryBytes / (1L << 30));
		double nodesByMemory = memoryBytes / (memoryGib * (1L << 30) * headroom);
		// what every node costs (its own, and every push's bus record it takes) depends
		// on how many there are, which depends on the CPU: a given number (--nodes), or
		// the fewest that hold the rest
		// broadcast routing (the default): every node takes every push's record;
		// targeted:
		// the node holding the user takes it (one node a push, an assumption: the
		// cluster run measures broadcast routing only)
		boolean broadcastRouting = !"targeted".equals(this.args.get("routing", "broadcast"));
		boolean given = this.args.has("nodes");
		double nodes = Double.parseDouble(this.args.get("nodes", "1"));
		double nodesByCpu = 0;
		for (int i = 0; !given && i < 10; i++) {
			double perNode = NODE_FIXED_CORES
					+ (broadcastRouting ? pushesPerSecond * BUS_CPU_MICROS_PER_PUSH_AND_NODE / 1e6 : 0);
			double shared = perConnection
					+ (broadcastRouting ? 0 : pushesPerSecond * BUS_CPU_MICROS_PER_PUSH_AND_NODE / 1e6);
			if (perNode >= cores * headroom) {
				// every node is busy with its own share of the records: no number of
				// nodes holds this
				nodes = Double.POSITIVE_INFINITY;
				nodesByCpu = Double.POSITIVE_INFINITY;
				break;
			}
			nodesByCpu = (shared + nodes * perNode) / (cores * headroom);
			double next = Math.max(1, Math.ceil(Math.max(nodesByCpu, nodesByMemory)));
			if (next == nodes) {
				break;
			}
			nodes = next;
		}
		m.put("coresNodes", nodes * NODE_FIXED_CORES);
		m.put("coresBus", (broadcastRouting ? nodes : 1) * pushesPerSecond * BUS_CPU_MICROS_PER_PUSH_AND_NODE / 1e6);
		double cpu = perConnection + m.get("coresNodes") + m.get("coresBus");
		m.put("coresTotal", cpu);
		m.put("nodesByCpu", (nodesByCpu > 0) ? nodesByCpu : cpu / (cores * headroom));
		m.put("nodesByMemory", nodesByMemory);
		m.put("nodes", nodes);
		m.put("connectionsPerNode", connections / nodes);
		m.put("memoryGibPerNode", memoryBytes / nodes / (1L << 30));
		m.put("redisMemoryGib", connections * this.measured.get("redisBytesPerSession") / (1L << 30));
		double redisCommands = connections * (dynamic ? REDIS_COMMANDS_IDLE_DYNAMIC : REDIS_COMMANDS_IDLE_FIXED)
				+ handshakesPerSecond * REDIS_COMMANDS_PER_LIFECYCLE;
		m.put("redisCommandsPerSecond", redisCommands);
		m.put("redisCores", redisCommands / REDIS_COMMANDS_PER_SECOND);
		// beyond one Redis: a Redis Cluster, where the same work is more commands
		// (REDIS_CLUSTER_COMMAND_FACTOR) spread over the masters
		m.put("redisClusterMasters", (redisCommands > REDIS_COMMANDS_PER_SECOND)
				? Math.ceil(redisCommands * REDIS_CLUSTER_COMMAND_FACTOR / REDIS_COMMANDS_PER_SECOND) : 0);
		// targeted routing: one bus record per push and per broadcast, whatever the
		// number of recipients
		double records = pushesPerSecond + broadcastsPerSecond;
		m.put("kafkaRecordsPerSecond", records);
		m.put("kafkaMiBPerSecond", records * (payloadBytes + RECORD_OVERHEAD_BYTES) / (1 << 20));
		return m;
	}

	/**
	 * The first resource that runs out as the connections grow: the nodes' CPU or memory,
	 * or the single Redis.
	 * @param m the model
	 * @return a short explanation
	 */
	static String firstBottleneck(Map<String, Double> m) {
		if (m.get("redisCores") > 1) {
			return "Redis: " + format(m.get("redisCommandsPerSecond")) + " commands/s is more than one Redis serves: "
					+ "a Redis Cluster of " + format(m.get("redisClusterMasters")) + " masters";
		}
		return (m.get("nodesByCpu") >= m.get("nodesByMemory")) ? "node CPU" : "node memory";
	}

	String report() {
		List<Double> sizes = new ArrayList<>();
		for (String size : this.args.get("connections", "1000000,10000000").split(",")) {
			sizes.add(Double.parseDouble(size.trim()));
		}
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT,
				"Per-unit costs measured (gateway): %s B per idle connection (%s B more on a cluster node), %s µs per "
						+ "handshake, %s ns per delivery, %s µs per HTTP API push, %s B of Redis per session%n",
				format(this.measured.get("bytesPerConnection")), format(CLUSTER_BYTES_PER_CONNECTION),
				format(this.measured.get("handshakeCpuMicros")), format(this.measured.get("deliveryCpuNanos")),
				format(this.measured.get("apiCpuMicrosPerPush")), format(this.measured.get("redisBytesPerSession"))));
		out.append(String.format(Locale.ROOT,
				"Mix: %s push(es) per connection per minute, %s broadcast(s) per minute, connections live %s min, "
						+ "%s B payloads, %s heartbeat; nodes of %s cores and %s GiB used to %s%%%n%n",
				this.args.get("pushes-per-connection-per-minute", "1"), this.args.get("broadcasts-per-minute", "1"),
				this.args.get("connection-lifetime-minutes", "30"), this.args.get("payload-bytes", "200"),
				this.args.get("heartbeat", "fixed"), this.args.get("node-cores", "4"),
				this.args.get("node-memory-gib", "16"),
				format(100 * Double.parseDouble(this.args.get("headroom", "0.6")))));
		out.append("| figure |");
		for (double size : sizes) {
			out.append(" ").append(format(size)).append(" connections |");
		}
		out.append("\n| --- |");
		sizes.forEach((size) -> out.append(" --- |"));
		out.append("\n");
		List<Map<String, Double>> models = sizes.stream().map(this::model).toList();
		String[][] rows = { { "deliveries per second", "deliveriesPerSecond" },
				{ "handshakes per second", "handshakesPerSecond" }, { "CPU cores: idle connections", "coresIdle" },
				{ "CPU cores: handshakes", "coresHandshakes" }, { "CPU cores: deliveries", "coresDeliveries" },
				{ "CPU cores: pushes in (HTTP API)", "coresPushApi" },
				{ "CPU cores: the nodes themselves", "coresNodes" },
				{ "CPU cores: bus records taken by every node", "coresBus" }, { "CPU cores in all", "coresTotal" },
				{ "gateway memory for connections, GiB", "memoryGibTotal" }, { "nodes", "nodes" },
				{ "connections per node", "connectionsPerNode" }, { "memory per node, GiB", "memoryGibPerNode" },
				{ "Redis memory, GiB", "redisMemoryGib" }, { "Redis commands per second", "redisCommandsPerSecond" },
				{ "Redis Cluster masters (0: one Redis serves)", "redisClusterMasters" },
				{ "Kafka records per second", "kafkaRecordsPerSecond" },
				{ "Kafka MiB per second", "kafkaMiBPerSecond" } };
		for (String[] row : rows) {
			out.append("| ").append(row[0]).append(" |");
			for (Map<String, Double> m : models) {
				out.append(" ").append(format(m.get(row[1]))).append(" |");
			}
			out.append("\n");
		}
		out.append("| first bottleneck |");
		for (Map<String, Double> m : models) {
			out.append(" ").append(firstBottleneck(m)).append(" |");
		}
		out.append("\n");
		return out.toString();
	}

	static String format(double value) {
		if (Double.isInfinite(value)) {
			return "no number";
		}
		if (value >= 100 || value == Math.rint(value)) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		if (value >= 10) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		return String.format(Locale.ROOT, "%.2f", value);
	}

}
