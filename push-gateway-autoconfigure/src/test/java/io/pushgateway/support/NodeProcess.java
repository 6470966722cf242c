package io.pushgateway.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A gateway node in its own JVM ({@link TestNodeMain}) with JVM options and an open-file
 * limit of its own, whose heap, direct memory and open files a test can read.
 *
 * @author Push Gateway team
 */
public final class NodeProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private final BlockingQueue<String> stats;

	private NodeProcess(Process process, int port, BlockingQueue<String> stats) {
		this.process = process;
		this.port = port;
		this.stats = stats;
	}

	/**
	 * Start a node.
	 * @param properties its properties (the test JWT secret is added)
	 * @param jvmOptions options such as {@code -Xmx256m}
	 * @param maxOpenFiles the open-file limit of the process ({@code ulimit -n})
	 * @return the node, once it accepts connections
	 * @throws Exception if it did not start
	 */
	public static NodeProcess start(Map<String, Object> properties, List<String> jvmOptions, int maxOpenFiles)
			throws Exception {
		StringBuilder command = new StringBuilder("ulimit -n " + maxOpenFiles + " && exec ");
		List<String> words = new ArrayList<>();
		words.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
		words.addAll(jvmOptions);
		words.addAll(List.of("-cp", System.getProperty("java.class.path"), TestNodeMain.class.getName()));
		properties.forEach((key, value) -> words.add(key + "=" + value));
		words.add("push.gateway.auth.jwt.secret=" + Tokens.SECRET);
		for (String word : words) {
			command.append('\'').append(word.replace("'", "'\\''")).append("' ");
		}
		Process process = new ProcessBuilder("bash", "-c", command.toString()).redirectErrorStream(true).start();
		CompletableFuture<Integer> port = new CompletableFuture<>();
		BlockingQueue<String> stats = new LinkedBlockingQueue<>();
		List<String> output = new ArrayList<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.startsWith("READY ")) {
						port.complete(Integer.parseInt(line.substring(6).trim()));
					}
					else if (line.startsWith("STATS ")) {
						stats.add(line.substring(6));
					}
					else {
						synchronized (output) {
							output.add(line);
						}
					}
				}
				port.completeExceptionally(new IllegalStateException("node process exited"));
			}
			catch (Exception ex) {
				port.completeExceptionally(ex);
			}
		}, "node-process-output");
		reader.setDaemon(true);
		reader.start();
		try {
			return new NodeProcess(process, port.get(90, TimeUnit.SECONDS), stats);
		}
		catch (Exception ex) {
			process.destroyForcibly();
			synchronized (output) {
				throw new IllegalStateException("node did not start: " + String.join("\n", output), ex);
			}
		}
	}

	public int port() {
		return this.port;
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	public long pid() {
		return this.process.pid();
	}

	/**
	 * What the node holds, after a full collection.
	 * @return its heap, direct memory and open files
	 * @throws Exception if the node does not answer within ten seconds
	 */
	public Stats stats() throws Exception {
		OutputStream in = this.process.getOutputStream();
		in.write("stats\n".getBytes(StandardCharsets.US_ASCII));
		in.flush();
		String line = this.stats.poll(10, TimeUnit.SECONDS);
		if (line == null) {
			throw new IllegalStateException("the node did not answer 'stats'");
		}
		String[] parts = line.split(" ");
		return new Stats(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Integer.parseInt(parts[2]),
				Long.parseLong(parts[3]));
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * What a node holds.
	 *
	 * @param heap heap bytes used after a full collection
	 * @param direct direct memory bytes (the JDK's buffers and Netty's)
	 * @param files open file descriptors (sockets among them)
	 * @param refusedPending sockets closed on accept because their address had as many
	 * waiting for their headers as {@code max-pending-sockets-per-ip} allows
	 */
	public record Stats(long heap, long direct, int files, long refusedPending) {

	}

}
