package io.pushgateway.bench;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark coordinator: starts the server under test (the gateway, the raw Netty
 * peer or the Socket.IO peer) as its own process, spreads the connections over several
 * {@link LoadWorker} processes, drives one scenario, measures the server from outside
 * ({@link ProcStats}) and from its own {@code /bench/stats}, and prints one JSON line of
 * results. {@code scripts/bench.sh} is the documented entry point; {@code all} runs every
 * scenario against every server and rewrites the table and charts in
 * {@code docs/performance.md}.
 *
 * <p>
 * This class is the command line and the catalogue of scenarios: which scenario runs
 * against which server, started how, and the header of its result line. The scenarios
 * themselves are {@link ConnectionScenarios} ({@code idle}, {@code ramp}),
 * {@link BroadcastScenario}, {@link TargetedScenarios} ({@code targeted}, {@code acks},
 * {@code slow}), {@link ApiScenarios} ({@code http-api}, {@code grpc-api}),
 * {@link SoakScenario}, and those that start their own servers:
 * {@link HeartbeatScenario}, {@link OrderScenario} and {@link ClusterScenario}.
 * {@link BenchReport} runs them all and writes the report.
 *
 * @author Push Gateway team
 */
public final class Bench {

	static final JsonMapper JSON = new JsonMapper();

	private final LoadPlan plan;

	Bench(Args args) {
		this.plan = LoadPlan.of(args);
	}

	public static void main(String[] arguments) throws Exception {
		Args args = Args.parse(arguments);
		String scenario = args.positional().isEmpty() ? "help" : args.positional().get(0);
		Bench bench = new Bench(args);
		if ("all".equals(scenario)) {
			new BenchReport(bench, args).runAll();
		}
		else if ("report".equals(scenario)) {
			BenchReport.rewrite(args);
		}
		else {
			System.out.println(bench.run(scenario, args.get("target", "gateway")));
		}
		System.exit(0);
	}

	/**
	 * Run one scenario against one server.
	 * @param scenario idle, ramp, broadcast, targeted or http-api
	 * @param target gateway, netty or socketio
	 * @return the result as one JSON line
	 * @throws Exception on failure
	 */
	String run(String scenario, String target) throws Exception {
		Args args = this.plan.args();
		Files.createDirectories(this.plan.workDir());
		// the scenarios that start their own servers
		if ("heartbeat".equals(scenario)) {
			Map<String, Object> result = header(scenario, "gateway");
			new HeartbeatScenario(args, this.plan.workDir(), this.plan.connections(), this.plan.workers()).run(result);
			return JSON.writeValueAsString(result);
		}
		if ("order".equals(scenario)) {
			Map<String, Object> result = header(scenario, "gateway");
			new OrderScenario(args, this.plan.workDir()).run(result);
			return JSON.writeValueAsString(result);
		}
		if ("tokens".equals(scenario)) {
			Map<String, Object> result = header(scenario, "gateway");
			new TokenScenario(args).run(result);
			return JSON.writeValueAsString(result);
		}
		if ("cluster".equals(scenario)) {
			Map<String, Object> result = header(scenario, "gateway");
			new ClusterScenario(args, this.plan.workDir()).run(result);
			return JSON.writeValueAsString(result);
		}
		int grpcPort = Processes.freePort();
		try (Server server = startServer(scenario, target, grpcPort)) {
			Map<String, Object> result = header(scenario, target);
			variant(result);
			switch (scenario) {
				case "idle" -> new ConnectionScenarios(this.plan, server).idle(result);
				case "ramp" -> new ConnectionScenarios(this.plan, server).ramp(result);
				case "broadcast" -> new BroadcastScenario(this.plan, server).run(result);
				case "targeted" -> new TargetedScenarios(this.plan, server).targeted(result);
				case "acks" -> new TargetedScenarios(this.plan, server).acks(result);
				case "slow" -> new TargetedScenarios(this.plan, server).slow(result);
				case "http-api" -> new ApiScenarios(this.plan, server).httpApi(result);
				case "grpc-api" -> new ApiScenarios(this.plan, server).grpcApi(grpcPort, result);
				case "soak" -> new SoakScenario(this.plan, server).run(result);
				default -> throw new IllegalArgumentException("unknown scenario '" + scenario
						+ "'; one of idle, ramp, broadcast, targeted, slow, heartbeat, http-api, grpc-api, soak, cluster, all, "
						+ "report");
			}
			return JSON.writeValueAsString(result);
		}
	}

	/*
	 * The server under test; with the gRPC API only where it is measured: elsewhere its
	 * server would be one more thing in the process.
	 */
	private Server startServer(String scenario, String target, int grpcPort) throws Exception {
		if ("grpc-api".equals(scenario)) {
			List<String> grpc = List.of("--push.gateway.grpc.enabled=true", "--push.gateway.grpc.port=" + grpcPort,
					"--push.gateway.grpc.address=127.0.0.1");
			return Server.start(target, this.plan.workDir(), this.plan.args(), grpc, target + "-server");
		}
		return Server.start(target, this.plan.workDir(), this.plan.args());
	}

	private static Map<String, Object> header(String scenario, String target) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("scenario", scenario);
		result.put("target", target);
		return result;
	}

	/* The gateway variant the server was started as, if any (Server.start). */
	private void variant(Map<String, Object> result) {
		Args args = this.plan.args();
		if (args.has("gateway-security")) {
			result.put("variant", "spring-security");
		}
		if (args.has("gateway-observations")) {
			result.put("variant", "observations");
		}
		if (args.has("gateway-undelivered")) {
			result.put("variant", "undelivered-all-pushes");
		}
		if (args.has("gateway-slow-policy")) {
			result.put("variant", "slow-policy-" + args.get("gateway-slow-policy", "close"));
		}
		if ("reused".equals(args.get("tokens", "fresh"))) {
			result.put("variant", "tokens-reused");
		}
		if (args.has("gateway-token-cache")) {
			result.put("variant", result.getOrDefault("variant", "tokens-fresh") + "-token-cache");
		}
	}

}
