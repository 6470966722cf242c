package io.pushgateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What starting and waiting for the benchmark's child processes takes (servers under
 * test, load generators, Redis and Kafka): the JVM to run, free ports, a process's output
 * copied to its log until it announces itself, and pauses.
 *
 * @author Push Gateway team
 */
final class Processes {

	private Processes() {
	}

	/*
	 * Copy a process's output to a log until a line contains {@code marker}; the rest of
	 * that line.
	 */
	static String awaitLine(Process process, String marker, Path log) throws IOException {
		BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		PrintWriter copy = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
		for (String line; (line = output.readLine()) != null;) {
			copy.println(line);
			int at = line.indexOf(marker);
			if (at >= 0) {
				Thread drain = new Thread(() -> {
					try {
						for (String rest; (rest = output.readLine()) != null;) {
							copy.println(rest);
						}
					}
					catch (IOException ex) {
						// the process ended
					}
				}, "bench-log-copy");
				drain.setDaemon(true);
				drain.start();
				return line.substring(at + marker.length()).trim();
			}
		}
		throw new IllegalStateException("process ended before '" + marker + "'; see " + log);
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/*
	 * A free port below the ephemeral range (32768 and up on Linux), so no client socket
	 * of an earlier run, bound to an ephemeral port, can collide with the server.
	 */
	static int freePort() {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
			try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
				return socket.getLocalPort();
			}
			catch (IOException ex) {
				// taken: try another
			}
		}
		throw new IllegalStateException("no free port between 20000 and 32000");
	}

	static String javaCommand() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}
