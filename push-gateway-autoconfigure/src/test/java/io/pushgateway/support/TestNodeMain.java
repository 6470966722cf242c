package io.pushgateway.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.internal.PlatformDependent;
import io.pushgateway.metrics.Limit;

/**
 * Runs a test gateway node in its own JVM, so a test can kill it with SIGKILL. Arguments
 * are {@code key=value} properties; prints {@code READY <port>} once it accepts
 * connections.
 *
 * @author Push Gateway team
 */
public final class TestNodeMain {

	private TestNodeMain() {
	}

	/**
	 * Start a node in its own JVM.
	 * @param properties the node's properties; the test JWT secret is added
	 * @return the node's process
	 * @throws IOException if the process cannot start
	 */
	public static Process start(Map<String, Object> properties) throws IOException {
		// C1 only and the serial collector: a node that lives a few seconds starts in
		// about
		// two thirds of the time, and takes less of a loaded machine's two cores
		List<String> command = new ArrayList<>(
				List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
						"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
						TestNodeMain.class.getName()));
		properties.forEach((key, value) -> command.add(key + "=" + value));
		command.add("push.gateway.auth.jwt.secret=" + Tokens.SECRET);
		return new ProcessBuilder(command).redirectErrorStream(true).start();
	}

	/**
	 * Wait until a node started with {@link #start(Map)} accepts connections.
	 * @param process the node's process
	 * @return its port
	 * @throws Exception if it exited or did not start within a minute
	 */
	public static int awaitReady(Process process) throws Exception {
		CompletableFuture<Integer> port = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.startsWith("READY ")) {
						port.complete(Integer.parseInt(line.substring(6).trim()));
					}
				}
				port.completeExceptionally(new IllegalStateException("node process exited"));
			}
			catch (Exception ex) {
				port.completeExceptionally(ex);
			}
		});
		reader.setDaemon(true);
		reader.start();
		// a Spring Boot JVM with Redis and Kafka clients; minutes on a loaded machine
		return port.get(180, TimeUnit.SECONDS);
	}

	public static void main(String[] args) {
		Map<String, Object> properties = new LinkedHashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			properties.put(arg.substring(0, equals), arg.substring(equals + 1));
		}
		TestGateway gateway = TestGateway.start(properties);
		System.out.println("READY " + gateway.port());
		System.out.flush();
		// "stats" on standard input: after a full collection, what the node holds
		try (BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			String command;
			while ((command = commands.readLine()) != null) {
				if (command.equals("stats")) {
					System.out.println("STATS " + stats(gateway));
					System.out.flush();
				}
			}
		}
		catch (IOException ex) {
			// the test went away; the node lives until it is killed
		}
		while (true) {
			LockSupport.park();
		}
	}

	/*
	 * Heap used after a full collection, direct memory (the JDK's and Netty's), files,
	 * sockets closed on accept for their address's pending bound.
	 */
	private static String stats(TestGateway gateway) {
		System.gc();
		long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		long direct = 0;
		for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
			if (pool.getName().equals("direct")) {
				direct += pool.getMemoryUsed();
			}
		}
		direct += Math.max(0, PlatformDependent.usedDirectMemory());
		String[] files = new File("/proc/self/fd").list();
		Counter refused = gateway.bean(MeterRegistry.class)
			.find("push.gateway.limited")
			.tag("limit", Limit.PENDING_SOCKETS_PER_IP.tag())
			.counter();
		return heap + " " + direct + " " + ((files != null) ? files.length : -1) + " "
				+ ((refused != null) ? (long) refused.count() : 0);
	}

}
