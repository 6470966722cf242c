package io.pushgateway.bench;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * HTTP push load for the {@code http-api} and {@code targeted} scenarios: paced and
 * closed-loop pushes through the gateway's HTTP push API.
 *
 * @author Push Gateway team
 */
final class HttpLoad {

	private HttpLoad() {
	}

	/** HTTP connections of the paced HTTP push load. */
	static final int PACED_HTTP_CONNECTIONS = 256;

	/* Pushes through the HTTP API at a fixed rate: {sent with 200, failed}. */
	static long[] httpPaced(Server server, int users, int rate, int seconds) {
		HttpClient client = httpClient(server, PACED_HTTP_CONNECTIONS);
		AtomicLong ok = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		AtomicLong pending = new AtomicLong();
		Pacer.run(rate, seconds, () -> {
			pending.incrementAndGet();
			httpPush(client, users).doFinally((signal) -> pending.decrementAndGet()).subscribe((status) -> {
				if (status == 200) {
					ok.incrementAndGet();
				}
				else if (failed.incrementAndGet() == 1) {
					System.err.println("HTTP push answered " + status);
				}
			}, (error) -> {
				if (failed.incrementAndGet() == 1) {
					System.err.println("HTTP push failed: " + error);
				}
			});
		});
		awaitZero(pending);
		return new long[] { ok.get(), failed.get() };
	}

	/*
	 * Keeps {@code concurrency} HTTP pushes in flight for a time: {completed with 200,
	 * failed}.
	 */
	static long[] httpClosedLoop(Server server, int users, int concurrency, int seconds) {
		HttpClient client = httpClient(server, concurrency);
		AtomicLong ok = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		Flux.range(0, concurrency)
			.flatMap((lane) -> Flux.defer(() -> httpPush(client, users))
				.repeat(() -> System.nanoTime() < end)
				.doOnNext((status) -> ((status == 200) ? ok : failed).incrementAndGet())
				.onErrorResume((error) -> {
					failed.incrementAndGet();
					return Mono.empty();
				}), concurrency)
			.blockLast(Duration.ofSeconds(seconds + 60L));
		return new long[] { ok.get(), failed.get() };
	}

	static HttpClient httpClient(Server server, int connections) {
		ConnectionProvider provider = ConnectionProvider.builder("bench-http")
			.maxConnections(connections)
			.pendingAcquireMaxCount(-1)
			.build();
		return HttpClient.create(provider)
			.baseUrl("http://127.0.0.1:" + server.port())
			.headers((headers) -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + BenchGateway.API_TOKEN)
				.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
	}

	static Mono<Integer> httpPush(HttpClient client, int users) {
		String uid = "u" + ThreadLocalRandom.current().nextInt(users);
		return client.post()
			.uri("/push-api/users/" + uid + "?event=t")
			.send(ByteBufFlux.fromString(Mono.fromSupplier(() -> "{\"n\":" + System.nanoTime() + "}")))
			.responseSingle((response, body) -> body.then(Mono.just(response.status().code())));
	}

	static void awaitZero(AtomicLong pending) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (pending.get() > 0 && System.nanoTime() < deadline) {
			Processes.sleep(10);
		}
	}

}
