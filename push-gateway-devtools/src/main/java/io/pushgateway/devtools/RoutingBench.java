package io.pushgateway.devtools;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures cross-node pushes on a running cluster (scripts/run-cluster.sh): USERS users
 * connect to one node, pushes to random users enter through another node's HTTP API at
 * RATE per second for SECONDS, and the tool reports latency from send to receipt, lost
 * pushes, and the CPU time each node process spent per push. Prints one JSON line.
 *
 * <p>
 * Arguments: ingress URL, client node URL, users, rate, seconds, then the PIDs of the
 * node processes.
 *
 * @author Push Gateway team
 */
public final class RoutingBench {

	private RoutingBench() {
	}

	public static void main(String[] args) throws Exception {
		String ingress = args[0];
		String clientNode = args[1];
		int users = Integer.parseInt(args[2]);
		int rate = Integer.parseInt(args[3]);
		int seconds = Integer.parseInt(args[4]);
		List<Long> pids = Arrays.stream(args).skip(5).map(Long::parseLong).toList();
		HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
		ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
		AtomicLong received = new AtomicLong();
		List<WebSocket> sockets = new ArrayList<>();
		for (int i = 0; i < users; i++) {
			sockets.add(DemoClients.connect(http, clientNode, "bench-" + i, new WebSocket.Listener() {
				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					String text = data.toString();
					int at = text.indexOf("\"sent\":");
					if (at >= 0) {
						long sent = Long.parseLong(text.substring(at + 7, text.indexOf('}', at)));
						latencies.add(System.nanoTime() - sent);
						received.incrementAndGet();
					}
					webSocket.request(1);
					return null;
				}
			}));
		}
		ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
		pinger.scheduleAtFixedRate(() -> sockets.forEach((s) -> s.sendText("{\"t\":\"ping\"}", true)), 20, 20,
				TimeUnit.SECONDS);
		Semaphore inFlight = new Semaphore(512);
		AtomicLong sent = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		// warm-up: the same load, unmeasured, so JIT compilation is not counted
		run(http, ingress, users, rate, WARMUP_SECONDS, inFlight, new AtomicLong(), new AtomicLong());
		inFlight.acquire(512);
		inFlight.release(512);
		latencies.clear();
		received.set(0);

		Map<Long, Duration> cpuBefore = cpu(pids);
		long start = System.nanoTime();
		run(http, ingress, users, rate, seconds, inFlight, sent, failed);
		inFlight.acquire(512);
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (received.get() < sent.get() - failed.get() && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		double elapsed = (System.nanoTime() - start) / 1e9;
		Map<Long, Duration> cpuAfter = cpu(pids);
		pinger.shutdownNow();
		report(users, rate, sent, failed, received, latencies, pids, cpuBefore, cpuAfter, elapsed);
		System.exit(0);
	}

	private static final int WARMUP_SECONDS = 10;

	private static void run(HttpClient http, String ingress, int users, int rate, int seconds, Semaphore inFlight,
			AtomicLong sent, AtomicLong failed) throws InterruptedException {
		long total = (long) rate * seconds;
		long intervalNanos = 1_000_000_000L / rate;
		long start = System.nanoTime();
		for (long n = 0; n < total; n++) {
			long due = start + n * intervalNanos;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			inFlight.acquire();
			String uid = "bench-" + ThreadLocalRandom.current().nextInt(users);
			HttpRequest request = HttpRequest
				.newBuilder(URI.create(ingress + "/push-api/users/" + uid + "?event=bench"))
				.header("Authorization", "Bearer demo-api-token")
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"sent\":" + System.nanoTime() + "}"))
				.build();
			http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
				inFlight.release();
				if (error != null || response.statusCode() != 200) {
					failed.incrementAndGet();
				}
			});
			sent.incrementAndGet();
		}
	}

	private static void report(int users, int rate, AtomicLong sent, AtomicLong failed, AtomicLong received,
			ConcurrentLinkedQueue<Long> latencies, List<Long> pids, Map<Long, Duration> cpuBefore,
			Map<Long, Duration> cpuAfter, double elapsed) {
		long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("users", users);
		result.put("rate", rate);
		result.put("sent", sent.get());
		result.put("failed", failed.get());
		result.put("received", received.get());
		result.put("lost", sent.get() - failed.get() - received.get());
		result.put("p50_ms", percentile(sorted, 0.50));
		result.put("p99_ms", percentile(sorted, 0.99));
		result.put("p999_ms", percentile(sorted, 0.999));
		long totalCpu = 0;
		List<String> perNode = new ArrayList<>();
		for (Long pid : pids) {
			long micros = cpuAfter.get(pid).minus(cpuBefore.get(pid)).toNanos() / 1000;
			totalCpu += micros;
			perNode.add(String.format("%.1f", micros / (double) sent.get()));
		}
		result.put("cpu_us_per_push_by_node", perNode);
		result.put("cpu_us_per_push_total", String.format("%.1f", totalCpu / (double) sent.get()));
		result.put("seconds", String.format("%.1f", elapsed));
		System.out.println(toJson(result));
	}

	private static Map<Long, Duration> cpu(List<Long> pids) {
		Map<Long, Duration> cpu = new LinkedHashMap<>();
		for (Long pid : pids) {
			cpu.put(pid,
					ProcessHandle.of(pid)
						.flatMap((process) -> process.info().totalCpuDuration())
						.orElse(Duration.ZERO));
		}
		return cpu;
	}

	private static String percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return "null";
		}
		return String.format("%.2f", sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6);
	}

	private static String toJson(Map<String, Object> values) {
		StringBuilder json = new StringBuilder("{");
		values.forEach((key, value) -> {
			if (json.length() > 1) {
				json.append(',');
			}
			json.append('"').append(key).append("\":");
			if (value instanceof List<?> list) {
				json.append(list.stream().map(String::valueOf).toList().toString().replace(" ", ""));
			}
			else {
				json.append(value);
			}
		});
		return json.append('}').toString();
	}

}
