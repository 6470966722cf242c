package io.pushgateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * One load generator process and its JSON lines. *
 *
 * @author Push Gateway team
 */
final class Worker {

	final Process process;

	private final PrintWriter commands;

	private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();

	Worker(Process process) {
		this.process = process;
		this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
		Thread reader = new Thread(() -> {
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line; (line = output.readLine()) != null;) {
					if (line.startsWith("{")) {
						this.lines.add(Bench.JSON.readTree(line));
					}
				}
			}
			catch (IOException ex) {
				// the process ended
			}
		}, "bench-worker-reader");
		reader.setDaemon(true);
		reader.start();
	}

	void send(String command) {
		this.commands.println(command);
	}

	JsonNode expect(String type, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (true) {
				JsonNode line = this.lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
				if (line == null) {
					throw new IllegalStateException("worker sent no '" + type + "' within " + timeout
							+ (this.process.isAlive() ? "" : "; it exited with " + this.process.exitValue()));
				}
				if (type.equals(line.get("type").asText())) {
					return line;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
