package io.pushgateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The capacity model ({@link CapacityModel}, per-unit costs from the last {@code all}
 * run) checked against a cluster run: what it predicts for the cluster's connections and
 * push rate beside what the nodes and Redis did: node CPU idle and while pushing, node
 * memory for the connections, Redis commands per second and Redis memory.
 *
 * @author Push Gateway team
 */
final class ModelCheck {

	private final List<Server> servers;

	private final int redisPort;

	ModelCheck(List<Server> servers, int redisPort) {
		this.servers = servers;
		this.redisPort = redisPort;
	}

	/*
	 * The nodes' resident memory, summed, each after a full collection and once it
	 * stopped falling, as the idle scenario measures one server's.
	 */
	long rss() throws Exception {
		long sum = 0;
		for (Server server : this.servers) {
			server.stats();
			sum += ConnectionScenarios.settledRss(server);
		}
		return sum;
	}

	/* The nodes' CPU and Redis's commands so far. */
	Sample sample() {
		long cpu = this.servers.stream().mapToLong((server) -> ProcStats.cpuNanos(server.pid())).sum();
		long commands = RedisInfo.commandCalls(this.redisPort).values().stream().mapToLong(Long::longValue).sum();
		return new Sample(System.nanoTime(), cpu, commands);
	}

	/**
	 * The model's figures for this load beside the measured ones.
	 * @param args the bench's arguments ({@code --results} names the per-unit costs)
	 * @param nodes the cluster's nodes
	 * @param connections the cluster's connections
	 * @param pushesPerSecond the push rate of the pushing window
	 * @param idle the idle window
	 * @param pushing the pushing window
	 * @param memoryBytes the nodes' resident memory for the connections
	 * @param redisBytes the memory Redis holds for the sessions
	 * @return figure by name: predicted, measured and their ratio
	 * @throws IOException if the per-unit costs cannot be read
	 */
	static Map<String, Object> compare(Args args, int nodes, int connections, double pushesPerSecond, Window idle,
			Window pushing, long memoryBytes, long redisBytes) throws IOException {
		Map<String, Double> costs = CapacityModel
			.measured(Files.readAllLines(Path.of(args.get("results", "docs/bench/results.jsonl"))));
		// no handshakes and no broadcasts in either window; pushes enter through
		// PushTemplate here, so the model's HTTP API term is left out
		Args mix = args.with("broadcasts-per-minute", "0")
			.with("connection-lifetime-minutes", "1e12")
			.with("nodes", Integer.toString(nodes));
		Map<String, Double> quiet = new CapacityModel(costs, mix.with("pushes-per-connection-per-minute", "0"))
			.model(connections);
		Map<String, Double> busy = new CapacityModel(costs,
				mix.with("pushes-per-connection-per-minute", Double.toString(pushesPerSecond * 60 / connections)))
			.model(connections);
		Map<String, Object> check = new LinkedHashMap<>();
		check.put("costsFrom", args.get("results", "docs/bench/results.jsonl"));
		check.put("nodeCoresIdle", figure(quiet.get("coresIdle") + quiet.get("coresNodes"), idle.cores()));
		check.put("nodeCoresPushing", figure(
				busy.get("coresIdle") + busy.get("coresNodes") + busy.get("coresDeliveries") + busy.get("coresBus"),
				pushing.cores()));
		check.put("nodeMemoryMiB", figure(quiet.get("memoryGibTotal") * 1024, memoryBytes / (double) (1L << 20)));
		check.put("redisCommandsPerSecondIdle", figure(quiet.get("redisCommandsPerSecond"), idle.redisCommands()));
		check.put("redisCommandsPerSecondPushing", figure(busy.get("redisCommandsPerSecond"), pushing.redisCommands()));
		check.put("redisMemoryMiB", figure(quiet.get("redisMemoryGib") * 1024, redisBytes / (double) (1L << 20)));
		return check;
	}

	private static Map<String, Object> figure(double predicted, double measured) {
		Map<String, Object> figure = new LinkedHashMap<>();
		figure.put("predicted", Results.round(predicted));
		figure.put("measured", Results.round(measured));
		figure.put("measuredOverPredicted", (predicted > 0) ? Results.round(measured / predicted) : 0);
		return figure;
	}

	/**
	 * The nodes' CPU (summed) and Redis's commands at one time.
	 *
	 * @param nanos when
	 * @param cpuNanos the nodes' CPU time
	 * @param redisCommands Redis's commands
	 */
	record Sample(long nanos, long cpuNanos, long redisCommands) {

		/* From this sample to a later one. */
		Window to(Sample later) {
			double seconds = (later.nanos - this.nanos) / 1e9;
			return new Window((later.cpuNanos - this.cpuNanos) / 1e9 / seconds,
					(later.redisCommands - this.redisCommands) / seconds);
		}

	}

	/**
	 * What a window of time cost.
	 *
	 * @param cores the nodes' CPU, in cores
	 * @param redisCommands Redis commands per second
	 */
	record Window(double cores, double redisCommands) {
	}

}
