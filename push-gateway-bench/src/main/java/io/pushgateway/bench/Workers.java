package io.pushgateway.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * The load generator processes, driven together. *
 *
 * @author Push Gateway team
 */
final class Workers implements AutoCloseable {

	private final List<Worker> workers;

	private List<Long> lastGcMillis = List.of();

	private Workers(List<Worker> workers) {
		this.workers = workers;
	}

	/*
	 * The JVM options of every load generator process, unless {@code --worker-jvm} names
	 * others.
	 */
	static final String JVM = "-Xmx512m -XX:+UseSerialGC -Xss256k";

	static Workers start(Args args, Server server, int connections, int count, int perUser, Path workDir)
			throws IOException {
		return start(args, server, connections, count, perUser, workDir, 0, 0);
	}

	/*
	 * Workers whose connections start at global index {@code first}, numbered from {@code
	 * firstWorker}.
	 */
	static Workers start(Args args, Server server, int connections, int count, int perUser, Path workDir, int first,
			int firstWorker) throws IOException {
		List<Worker> workers = new ArrayList<>();
		int share = connections / count;
		for (int i = 0; i < count; i++) {
			int n = (i == count - 1) ? connections - share * (count - 1) : share;
			List<String> command = new ArrayList<>();
			command.add(Processes.javaCommand());
			command.addAll(List.of(args.get("worker-jvm", JVM).split(" ")));
			command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadWorker.class.getName(), "--target",
					server.target(), "--port", Integer.toString(server.port()), "--count", Integer.toString(n),
					"--first", Integer.toString(first + share * i), "--per-user", Integer.toString(perUser), "--worker",
					Integer.toString(firstWorker + i), "--tokens", args.get("tokens", "fresh")));
			Process process = new ProcessBuilder(command)
				.redirectError(workDir.resolve("worker-" + (firstWorker + i) + ".log").toFile())
				.start();
			workers.add(new Worker(process));
		}
		for (Worker worker : workers) {
			worker.expect("started", Duration.ofSeconds(60));
		}
		return new Workers(workers);
	}

	/* All workers of several groups, driven as one. */
	static Workers of(List<Workers> groups) {
		List<Worker> all = new ArrayList<>();
		groups.forEach((group) -> all.addAll(group.workers));
		return new Workers(all);
	}

	/* Connect everything at once; {ok, failed, seconds}. */
	Map<String, Object> connect() {
		this.workers.forEach((worker) -> worker.send("go"));
		int ok = 0;
		int failed = 0;
		double seconds = 0;
		for (Worker worker : this.workers) {
			JsonNode connected = worker.expect("connected", Duration.ofMinutes(5));
			ok += connected.get("ok").asInt();
			failed += connected.get("failed").asInt();
			seconds = Math.max(seconds, connected.get("seconds").asDouble());
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("ok", ok);
		result.put("failed", failed);
		result.put("seconds", seconds);
		return result;
	}

	void reset() {
		this.workers.forEach((worker) -> worker.send("reset"));
		this.workers.forEach((worker) -> worker.expect("reset", Duration.ofSeconds(30)));
	}

	long received() {
		this.workers.forEach((worker) -> worker.send("count"));
		long received = 0;
		for (Worker worker : this.workers) {
			received += worker.expect("count", Duration.ofSeconds(30)).get("received").asLong();
		}
		return received;
	}

	/* Wait until the workers together received {@code expected} timed messages. */
	long awaitReceived(long expected, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		long received = received();
		while (received < expected && System.nanoTime() < deadline) {
			Processes.sleep(5);
			received = received();
		}
		return received;
	}

	/** Wait until no more messages arrive (after a warm-up). */
	void awaitQuiet() {
		long last = -1;
		long now = received();
		while (now != last) {
			Processes.sleep(500);
			last = now;
			now = received();
		}
	}

	/* Ask every worker to close and reopen its share of {@code n} connections. */
	long churn(int n) {
		int share = Math.max(1, n / this.workers.size());
		this.workers.forEach((worker) -> worker.send("churn " + share));
		long closed = 0;
		for (Worker worker : this.workers) {
			closed += worker.expect("churned", Duration.ofSeconds(30)).get("closed").asLong();
		}
		return closed;
	}

	Histogram report() {
		this.workers.forEach((worker) -> worker.send("report"));
		Histogram merged = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
		List<Long> gcMillis = new ArrayList<>();
		for (Worker worker : this.workers) {
			JsonNode report = worker.expect("report", Duration.ofSeconds(30));
			gcMillis.add(report.path("gcMillis").asLong());
			String encoded = report.get("hist").asText();
			try {
				merged.add(Histogram
					.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0));
			}
			catch (DataFormatException ex) {
				throw new IllegalStateException(ex);
			}
		}
		this.lastGcMillis = gcMillis;
		return merged;
	}

	/* Each load process's collections between the last reset and the last report. */
	List<Long> gcMillis() {
		return this.lastGcMillis;
	}

	@Override
	public void close() {
		for (Worker worker : this.workers) {
			worker.process.destroy();
		}
		for (Worker worker : this.workers) {
			try {
				worker.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			worker.process.destroyForcibly();
		}
	}

}
