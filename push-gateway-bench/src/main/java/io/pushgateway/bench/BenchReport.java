package io.pushgateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

/**
 * Runs every scenario against every server (Socket.IO only where Node and its packages
 * are installed), writes the JSON lines to {@code target/bench/results.jsonl}, and
 * rewrites the results section and the charts of {@code docs/performance.md} from them.
 *
 * @author Push Gateway team
 */
final class BenchReport {

	static final String BEGIN = "<!-- bench-results:begin -->";

	static final String END = "<!-- bench-results:end -->";

	private final Bench bench;

	private final Args args;

	BenchReport(Bench bench, Args args) {
		this.bench = bench;
		this.args = args;
	}

	void runAll() throws Exception {
		List<String> targets = new ArrayList<>(List.of("gateway", "netty"));
		if (socketIoAvailable()) {
			targets.add("socketio");
		}
		else {
			System.err.println("Socket.IO peer skipped: run 'npm ci' in push-gateway-bench/socketio");
		}
		Map<String, Map<String, JsonNode>> results = new LinkedHashMap<>();
		List<String> lines = new ArrayList<>();
		for (String target : targets) {
			List<String> scenarios = new ArrayList<>(List.of("idle", "ramp", "broadcast"));
			if ("gateway".equals(target)) {
				scenarios.addAll(List.of("targeted", "acks", "http-api", "soak", "cluster"));
			}
			for (String scenario : scenarios) {
				String line = this.bench.run(scenario, target);
				System.out.println(line);
				lines.add(line);
				results.computeIfAbsent(target, (key) -> new LinkedHashMap<>())
					.put(scenario, Bench.JSON.readTree(line));
			}
			if ("gateway".equals(target)) {
				// beside fresh tokens, the reconnect storm's: every client comes back
				// with
				// the token it held
				String line = new Bench(this.args.with("tokens", "reused")).run("ramp", target);
				System.out.println(line);
				lines.add(line);
				results.get(target).put("ramp-reused", Bench.JSON.readTree(line));
			}
		}
		Path out = Path.of(this.args.get("work-dir", "target/bench"));
		Files.createDirectories(out);
		Files.write(out.resolve("results.jsonl"), lines, StandardCharsets.UTF_8);
		if (!this.args.has("no-docs")) {
			write(results, Path.of(this.args.get("docs", "docs")));
		}
	}

	/**
	 * Rewrite the docs from the lines of the last {@code all} run, without running
	 * anything.
	 * @param args the options
	 * @throws IOException on failure
	 */
	static void rewrite(Args args) throws IOException {
		Map<String, Map<String, JsonNode>> results = new LinkedHashMap<>();
		for (String line : Files.readAllLines(Path.of(args.get("work-dir", "target/bench"), "results.jsonl"))) {
			JsonNode result = Bench.JSON.readTree(line);
			String scenario = result.get("scenario").asText()
					+ ("tokens-reused".equals(result.path("variant").asText()) ? "-reused" : "");
			results.computeIfAbsent(result.get("target").asText(), (key) -> new LinkedHashMap<>())
				.put(scenario, result);
		}
		write(results, Path.of(args.get("docs", "docs")));
	}

	private boolean socketIoAvailable() {
		Path dir = Path.of(this.args.get("socketio-dir", "push-gateway-bench/socketio"));
		if (!Files.isDirectory(dir.resolve("node_modules/socket.io"))) {
			return false;
		}
		try {
			return new ProcessBuilder(this.args.get("node", "node"), "--version").start().waitFor() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Rewrite the results section of {@code performance.md} and the charts.
	 * @param results per target, per scenario
	 * @param docs the docs directory
	 * @throws IOException on failure
	 */
	static void write(Map<String, Map<String, JsonNode>> results, Path docs) throws IOException {
		Path images = docs.resolve("images");
		Files.createDirectories(images);
		// the raw lines next to the page, since target/ is not kept
		List<String> lines = new ArrayList<>();
		results.values().forEach((byScenario) -> byScenario.values().forEach((node) -> lines.add(node.toString())));
		Files.createDirectories(docs.resolve("bench"));
		Files.write(docs.resolve("bench").resolve("results.jsonl"), lines, StandardCharsets.UTF_8);
		List<String> targets = new ArrayList<>(results.keySet());
		List<String> names = targets.stream().map(BenchReport::label).toList();

		List<Double> rss = new ArrayList<>();
		List<Double> heap = new ArrayList<>();
		for (String target : targets) {
			JsonNode idle = results.get(target).get("idle");
			rss.add(Results.round(idle.get("rssBytesPerConnection").asDouble() / 1024));
			heap.add(Results.round(idle.get("heapBytesPerConnection").asDouble() / 1024));
		}
		Files.writeString(images.resolve("bench-memory.svg"),
				Svg.bars("Memory per idle connection", "KiB per connection", names,
						List.of(new Svg.Series("RSS", rss), new Svg.Series("heap after GC", heap))));

		List<Double> percentiles = new ArrayList<>();
		List<Svg.Series> broadcast = new ArrayList<>();
		for (String target : targets) {
			JsonNode distribution = results.get(target).get("broadcast").get("distribution");
			List<Double> values = new ArrayList<>();
			percentiles.clear();
			for (JsonNode point : distribution) {
				percentiles.add(point.get(0).asDouble());
				values.add(point.get(1).asDouble());
			}
			broadcast.add(new Svg.Series(label(target), values));
		}
		Files.writeString(images.resolve("bench-broadcast.svg"), Svg.percentiles(
				"Broadcast to every connection: time from send to receipt", "milliseconds", percentiles, broadcast));

		JsonNode targeted = results.get("gateway").get("targeted");
		List<Svg.Series> latency = new ArrayList<>();
		for (String path : List.of("template", "http")) {
			List<Double> values = new ArrayList<>();
			for (JsonNode point : targeted.get(path).get("distribution")) {
				values.add(point.get(1).asDouble());
			}
			latency.add(new Svg.Series("template".equals(path) ? "PushTemplate" : "HTTP API", values));
		}
		Files.writeString(images.resolve("bench-targeted-latency.svg"),
				Svg.percentiles("Targeted pushes at " + targeted.get("rate").asInt() + "/s: push to receipt",
						"milliseconds", percentiles, latency));

		Path page = docs.resolve("performance.md");
		String text = Files.readString(page);
		int begin = text.indexOf(BEGIN);
		int end = text.indexOf(END);
		if (begin < 0 || end < begin) {
			throw new IllegalStateException(page + " has no " + BEGIN + " ... " + END + " section");
		}
		String section = BEGIN + "\n" + table(results, targets) + END;
		Files.writeString(page, text.substring(0, begin) + section + text.substring(end + END.length()));
	}

	private static String table(Map<String, Map<String, JsonNode>> results, List<String> targets) {
		StringBuilder md = new StringBuilder();
		JsonNode gatewayIdle = results.get("gateway").get("idle");
		md.append(String.format(Locale.ROOT,
				"_Last run: %s, %d connections per server, written by `scripts/bench.sh all`; the raw lines are in "
						+ "[bench/results.jsonl](bench/results.jsonl)._%n%n",
				LocalDate.now(), gatewayIdle.get("connections").asInt()));
		md.append("| figure |");
		targets.forEach((target) -> md.append(' ').append(label(target)).append(" |"));
		md.append("\n| --- |");
		targets.forEach((target) -> md.append(" --- |"));
		md.append('\n');
		row(md, results, targets, "RSS per idle connection", "idle",
				(node) -> kib(node.get("rssBytesPerConnection").asDouble()));
		row(md, results, targets, "heap per idle connection (after GC)", "idle",
				(node) -> kib(node.get("heapBytesPerConnection").asDouble()));
		row(md, results, targets, "one broadcast to all, last client (median of 10)", "broadcast",
				(node) -> ms(node.get("lastClientMillis").get("median").asDouble()));
		row(md, results, targets, "server CPU per delivered message (sustained broadcast)", "broadcast",
				(node) -> String.format(Locale.ROOT, "%.2f µs",
						node.get("sustained").get("cpuNanosPerDelivery").asDouble() / 1000));
		row(md, results, targets, "messages lost in sustained broadcast", "broadcast",
				(node) -> node.get("sustained").get("lost").asText());
		row(md, results, targets, "new connections per second", "ramp",
				(node) -> String.format(Locale.ROOT, "%,d", node.get("handshakesPerSecond").asLong()));
		row(md, results, targets, "server CPU per handshake (of which the JIT compiler)", "ramp",
				(node) -> String.format(Locale.ROOT, "%.0f µs (%.0f µs)", node.get("cpuMicrosPerHandshake").asDouble(),
						node.path("jitMicrosPerHandshake").asDouble()));
		md.append('\n');
		JsonNode reused = results.get("gateway").get("ramp-reused");
		if (reused != null) {
			md.append(String.format(Locale.ROOT,
					"Handshakes with a fresh token each (above) and with the token each client held before (a "
							+ "reconnect storm): %.0f and %.0f µs server CPU per handshake, %,d and %,d per second.%n%n",
					results.get("gateway").get("ramp").get("cpuMicrosPerHandshake").asDouble(),
					reused.get("cpuMicrosPerHandshake").asDouble(),
					results.get("gateway").get("ramp").get("handshakesPerSecond").asLong(),
					reused.get("handshakesPerSecond").asLong()));
		}

		JsonNode targeted = results.get("gateway").get("targeted");
		md.append(String.format(Locale.ROOT,
				"Gateway only, %d connections, one per user, pushes to random users at %d/s for %d s:%n%n",
				targeted.get("connections").asInt(), targeted.get("rate").asInt(), targeted.get("seconds").asInt()));
		md.append("| path | sent | lost | p50 | p99 | p99.9 | max |\n| --- | --- | --- | --- | --- | --- | --- |\n");
		for (String path : List.of("template", "http")) {
			JsonNode delivery = targeted.get(path);
			JsonNode latency = delivery.get("latencyMillis");
			md.append(String.format(Locale.ROOT, "| %s | %,d | %d | %s | %s | %s | %s |%n",
					"template".equals(path) ? "`PushTemplate`" : "HTTP push API", delivery.get("sent").asLong(),
					delivery.get("lost").asLong(), ms(latency.get("p50").asDouble()), ms(latency.get("p99").asDouble()),
					ms(latency.get("p99.9").asDouble()), ms(latency.get("max").asDouble())));
		}
		JsonNode http = results.get("gateway").get("http-api");
		md.append(String.format(Locale.ROOT,
				"%nSeed 001's test: %,d connections (10 per user), %d concurrent HTTP push requests for %d s: "
						+ "**%,d pushes/s** (%,d deliveries, %d lost, %d failed requests, %.0f µs server CPU per push, "
						+ "delivery p99 %s).%n%n",
				http.get("connections").asInt(), http.get("concurrency").asInt(), http.get("seconds").asInt(),
				http.get("pushesPerSecond").asLong(), http.get("deliveries").asLong(), http.get("lost").asLong(),
				http.get("failedRequests").asLong(), http.get("serverCpuMicrosPerPush").asDouble(),
				ms(http.get("deliveryMillis").get("p99").asDouble())));
		JsonNode soak = results.get("gateway").get("soak");
		if (soak != null) {
			JsonNode samples = soak.get("samples");
			JsonNode first = samples.get(0);
			JsonNode last = samples.get(samples.size() - 1);
			md.append(String.format(Locale.ROOT,
					"Soak: %,d connections for %d s, %,d of them closed and reopened per second (%,d in all), %,d pushes to random "
							+ "users: heap after GC %.1f → %.1f MiB, open files %d → %d, RSS %.0f → %.0f MiB (first and "
							+ "last of %d samples).%n%n",
					soak.get("connections").asInt(), soak.get("seconds").asInt(),
					soak.get("reconnects").asLong() / soak.get("seconds").asLong(), soak.get("reconnects").asLong(),
					soak.get("pushesSent").asLong(), first.get("heapMiB").asDouble(), last.get("heapMiB").asDouble(),
					first.get("openFiles").asLong(), last.get("openFiles").asLong(), first.get("rssMiB").asDouble(),
					last.get("rssMiB").asDouble(), samples.size()));
		}
		JsonNode cluster = results.get("gateway").get("cluster");
		if (cluster != null) {
			JsonNode broadcast = cluster.get("broadcastLastClientMillis");
			JsonNode cross = cluster.get("crossNode");
			JsonNode latency = cross.get("latencyMillis");
			md.append(String.format(Locale.ROOT,
					"Cluster: %d gateway nodes with `redis-server` and a KRaft broker on this machine, %,d connections "
							+ "(%,d per node): Redis holds %d bytes per session; one broadcast issued on one node reaches "
							+ "the last of all %,d clients in %s (median of %d); pushes from one node to users on the "
							+ "others at %d/s: p50 %s, p99 %s, p99.9 %s, %d of %,d lost.%n%n",
					cluster.get("nodes").asInt(), cluster.get("connections").asInt(),
					cluster.get("connections").asInt() / cluster.get("nodes").asInt(),
					cluster.get("redisBytesPerSession").asLong(), cluster.get("connections").asInt(),
					ms(broadcast.get("median").asDouble()), 5, cross.get("rate").asInt(),
					ms(latency.get("p50").asDouble()), ms(latency.get("p99").asDouble()),
					ms(latency.get("p99.9").asDouble()), cross.get("lost").asLong(), cross.get("sent").asLong()));
		}
		goals(md, results);
		md.append("![memory per idle connection](images/bench-memory.svg)\n\n");
		md.append("![broadcast delivery time distribution](images/bench-broadcast.svg)\n\n");
		md.append("![targeted push latency distribution](images/bench-targeted-latency.svg)\n");
		return md.toString();
	}

	/*
	 * Issue 29's goals, each a figure or a ratio of this run; a miss is explained in the
	 * sections below the results.
	 */
	static void goals(StringBuilder md, Map<String, Map<String, JsonNode>> results) {
		Map<String, JsonNode> gateway = results.get("gateway");
		md.append("Goals (each from this run; ratios against the peers in the same run):\n\n");
		md.append("| figure | goal | this run | met |\n| --- | --- | --- | --- |\n");
		double rss = gateway.get("idle").get("rssBytesPerConnection").asDouble();
		Map<String, JsonNode> netty = results.get("netty");
		if (netty != null) {
			double theirs = netty.get("idle").get("rssBytesPerConnection").asDouble();
			goal(md, "RSS per idle connection / raw Netty's, JDK 17", "≤ 1.5×",
					String.format(Locale.ROOT, "%.2f× (%s / %s)", rss / theirs, kib(rss), kib(theirs)),
					rss / theirs <= 1.5);
			double ratio = gateway.get("ramp").get("cpuMicrosPerHandshake").asDouble()
					/ netty.get("ramp").get("cpuMicrosPerHandshake").asDouble();
			goal(md, "server CPU per handshake (JWT included) / raw Netty's", "≤ 1.5×",
					String.format(Locale.ROOT, "%.2f× (%.0f / %.0f µs)", ratio,
							gateway.get("ramp").get("cpuMicrosPerHandshake").asDouble(),
							netty.get("ramp").get("cpuMicrosPerHandshake").asDouble()),
					ratio <= 1.5);
		}
		else {
			md.append("| RSS per idle connection, JDK 17 | ≤ 1.5× raw Netty's | ").append(kib(rss)).append(" | — |\n");
		}
		Map<String, JsonNode> socketio = results.get("socketio");
		if (socketio != null) {
			double ours = gateway.get("broadcast").get("sustained").get("cpuNanosPerDelivery").asDouble();
			double theirs = socketio.get("broadcast").get("sustained").get("cpuNanosPerDelivery").asDouble();
			double netty0 = (netty != null)
					? netty.get("broadcast").get("sustained").get("cpuNanosPerDelivery").asDouble() : Double.NaN;
			goal(md, "server CPU per delivered message, sustained broadcast / Socket.IO's, and below raw Netty's",
					"≤ 0.25×, < raw Netty's", String.format(Locale.ROOT, "%.2f× (%.2f / %.2f µs; raw Netty %.2f µs)",
							ours / theirs, ours / 1000, theirs / 1000, netty0 / 1000),
					ours / theirs <= 0.25 && ours < netty0);
		}
		JsonNode http = gateway.get("http-api");
		if (http != null) {
			double cpu = http.get("serverCpuMicrosPerPush").asDouble();
			// 0.75 × the 153 µs of the runs of 2026-12-01
			goal(md, "HTTP push API, seed 001's test, server CPU per push, deliveries lost", "≤ 115 µs, 0 lost",
					String.format(Locale.ROOT, "%.0f µs, %d lost", cpu, http.get("lost").asLong()),
					cpu <= 115 && http.get("lost").asLong() == 0);
		}
		JsonNode cluster = gateway.get("cluster");
		if (cluster != null) {
			JsonNode cross = cluster.get("crossNode");
			double p99 = cross.get("latencyMillis").get("p99").asDouble();
			goal(md, String.format(Locale.ROOT, "cross-node push p99, %d nodes × %,d connections, %d pushes/s",
					cluster.get("nodes").asInt(), cluster.get("connections").asInt() / cluster.get("nodes").asInt(),
					cross.get("rate").asInt()), "≤ 30 ms, 0 lost",
					ms(p99) + ", " + cross.get("lost").asLong() + " lost",
					p99 <= 30 && cross.get("lost").asLong() == 0);
		}
		JsonNode acks = gateway.get("acks");
		if (acks != null) {
			JsonNode plain = acks.get("plain");
			JsonNode acknowledged = acks.get("acknowledged");
			md.append(String
				.format(Locale.ROOT, "| acknowledged pushes, %,d/s to %,d connections | measured beside plain pushes | "
						+ "%.1f µs CPU per push (plain %.1f µs); ack round trip p50 %s, p99 %s; %,d of %,d acknowledged | — |%n",
						acks.get("rate").asInt(), acks.get("connections").asInt(),
						acknowledged.get("serverCpuMicrosPerPush").asDouble(),
						plain.get("serverCpuMicrosPerPush").asDouble(),
						ms(acknowledged.get("ackRoundTripMillis").get("p50").asDouble()),
						ms(acknowledged.get("ackRoundTripMillis").get("p99").asDouble()),
						acknowledged.get("acknowledged").asLong(), acknowledged.get("sent").asLong()));
		}
		md.append('\n');
	}

	private static void goal(StringBuilder md, String figure, String goal, String result, boolean met) {
		md.append("| ")
			.append(figure)
			.append(" | ")
			.append(goal)
			.append(" | ")
			.append(result)
			.append(" | ")
			.append(met ? "yes" : "**no**")
			.append(" |\n");
	}

	private static void row(StringBuilder md, Map<String, Map<String, JsonNode>> results, List<String> targets,
			String figure, String scenario, Function<JsonNode, String> value) {
		md.append("| ").append(figure).append(" |");
		for (String target : targets) {
			JsonNode node = results.get(target).get(scenario);
			md.append(' ').append((node != null) ? value.apply(node) : "—").append(" |");
		}
		md.append('\n');
	}

	private static String kib(double bytes) {
		return String.format(Locale.ROOT, "%.2f KiB", bytes / 1024);
	}

	private static String ms(double millis) {
		return String.format(Locale.ROOT, "%.2f ms", millis);
	}

	static String label(String target) {
		return switch (target) {
			case "gateway" -> "Push Gateway";
			case "gateway-socketio" -> "Push Gateway (Socket.IO clients)";
			case "gateway-sse" -> "Push Gateway (Server-Sent Events)";
			case "netty" -> "raw Netty";
			case "socketio" -> "Socket.IO 4.8";
			default -> target;
		};
	}

}
