package io.pushgateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * The server under test, as a child process. *
 *
 * @author Push Gateway team
 */
final class Server implements AutoCloseable {

	/**
	 * HTTP/1.1: an h2c upgrade offer would reach Socket.IO's upgrade handler, which drops
	 * it.
	 */
	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	/**
	 * The JVM flags of both JVM servers: G1 with a 1 GB cap, returning free heap after a
	 * full collection (docs/performance.md explains why).
	 */
	static final String JVM = "-Xmx1g -XX:+UseG1GC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20";

	private final String target;

	private final int port;

	private final Process process;

	private Server(String target, int port, Process process) {
		this.target = target;
		this.port = port;
		this.process = process;
	}

	static Server start(String target, Path workDir, Args args) throws IOException {
		List<String> variants = new ArrayList<>();
		if (args.has("gateway-security")) {
			variants.add("--bench.security=true");
		}
		if (args.has("gateway-observations")) {
			variants.add("--bench.observations=true");
		}
		if (args.has("gateway-undelivered")) {
			variants.add("--push.gateway.undelivered.all-pushes=true");
		}
		if (args.has("gateway-slow-policy")) {
			variants.add("--push.gateway.slow-consumer.default-policy=" + args.get("gateway-slow-policy", "close"));
		}
		if (args.has("gateway-token-cache")) {
			variants.add("--push.gateway.auth.token-cache.size=" + args.get("gateway-token-cache", "100000"));
		}
		return start(target, workDir, args, variants, target + "-server");
	}

	static Server start(String target, Path workDir, Args args, List<String> extra, String name) throws IOException {
		int port = Processes.freePort();
		List<String> command = new ArrayList<>();
		// the same flags for both JVM servers
		List<String> jvm = List.of(args.get("server-jvm", JVM).split(" "));
		switch (target) {
			case "gateway", "gateway-socketio", "gateway-sse" -> {
				// --server-java runs the gateway on another JDK (its bin/java)
				command.add(args.get("server-java", Processes.javaCommand()));
				command.addAll(jvm);
				command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchGateway.class.getName(),
						"--server.port=" + port));
				if (target.equals("gateway-socketio")) {
					// the same node, for socket.io-client: Socket.IO clients on the
					// gateway
					command.add("--push.gateway.socketio.enabled=true");
				}
				command.addAll(extra);
			}
			case "netty" -> {
				command.add(Processes.javaCommand());
				command.addAll(jvm);
				command.addAll(List.of("-cp", System.getProperty("java.class.path"), NettyPeer.class.getName(),
						Integer.toString(port)));
			}
			case "socketio" -> command.addAll(List.of(args.get("node", "node"), "--expose-gc",
					socketIoScript(args).toString(), Integer.toString(port)));
			default -> throw new IllegalArgumentException("unknown target '" + target + "'");
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(workDir.resolve(name + ".log").toFile())
			.start();
		Server server = new Server(target, port, process);
		server.awaitReady();
		return server;
	}

	private static Path socketIoScript(Args args) {
		Path script = Path.of(args.get("socketio-dir", "push-gateway-bench/socketio"), "server.js");
		if (!Files.exists(script)) {
			script = Path.of("socketio", "server.js");
		}
		return script.toAbsolutePath();
	}

	String target() {
		return this.target;
	}

	int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	/* For the scenarios that only the gateway can run. */
	void requireGateway() {
		if (!"gateway".equals(this.target)) {
			throw new IllegalArgumentException("this scenario pushes through the gateway's PushTemplate and HTTP API");
		}
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.target + " server exited; see its log");
			}
			try {
				if (HTTP.send(request("/bench/stats").GET().build(), HttpResponse.BodyHandlers.ofString())
					.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			Processes.sleep(100);
		}
		throw new IllegalStateException(this.target + " server did not start within 60 s");
	}

	JsonNode stats() throws Exception {
		return call(request("/bench/stats").GET());
	}

	/* The open connections, without a collection. */
	long connections() throws Exception {
		return call(request("/bench/stats?gc=false").GET()).get("connections").asLong();
	}

	JsonNode get(String path) throws Exception {
		return call(request(path).GET());
	}

	JsonNode post(String path) throws Exception {
		return call(request(path).POST(HttpRequest.BodyPublishers.noBody()));
	}

	/* A POST that takes long: the server answers when its paced run ends. */
	JsonNode post(String path, Duration timeout) throws Exception {
		return call(request(path).timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()));
	}

	private JsonNode call(HttpRequest.Builder request) throws Exception {
		HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException(this.target + " answered " + response.statusCode());
		}
		return Bench.JSON.readTree(response.body());
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofMinutes(15));
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
