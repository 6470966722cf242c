package io.pushgateway.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pushgateway.core.Payload;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushTarget;
import io.pushgateway.hub.LocalHub;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The gateway under test: a Spring Boot application with the starter on the embedded
 * default (no Redis, no Kafka), JWT authentication, the HTTP push API, and the
 * benchmark's control endpoints, which push through {@link PushOperations} from inside
 * the process: {@code POST /bench/broadcast}, {@code POST /bench/broadcast-stream},
 * {@code POST /bench/targeted?rate=&seconds=&users=} and {@code GET /bench/stats}. Every
 * push carries {@code {"n": System.nanoTime()}} so clients can time it.
 *
 * @author Push Gateway team
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class BenchGateway {

	/** The JWT secret the load generator signs with. */
	public static final String SECRET = "bench-secret-with-at-least-thirty-two-bytes";

	/** The HTTP push API's credential. */
	public static final String API_TOKEN = "bench-api-token";

	public static void main(String[] args) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("push.gateway.auth.jwt.secret", SECRET);
		defaults.put("push.gateway.http-api.enabled", true);
		defaults.put("push.gateway.http-api.token", API_TOKEN);
		defaults.put("push.gateway.limits.max-connections-per-user", 10);
		defaults.put("spring.main.banner-mode", "off");
		defaults.put("logging.level.root", "warn");
		// Spring Security is on the classpath for runs behind its filters
		// (--bench.security=true); other runs measure the gateway without it
		defaults.put("spring.autoconfigure.exclude", String.join(",",
				"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration"));
		new SpringApplicationBuilder(BenchGateway.class).properties(defaults).run(args);
	}

	/*
	 * The registry the gateway's meters go to (as without one), readable by /bench/stats.
	 */
	@Bean
	SimpleMeterRegistry benchMeterRegistry() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		// the acks and order scenarios read the acknowledgement round trip's and the
		// recovery hold's percentiles here
		registry.config().meterFilter(new MeterFilter() {

			@Override
			public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
				if (id.getName().equals("push.gateway.acks.round.trip")
						|| id.getName().equals("push.gateway.recovery.hold")) {
					return DistributionStatisticConfig.builder().percentiles(0.5, 0.99, 0.999).build().merge(config);
				}
				// the cluster scenario splits a cross-node push's latency by stage
				return LatencyStages.configure(id.getName(), config);
			}

		});
		return registry;
	}

	@Bean
	RouterFunction<ServerResponse> benchRoutes(PushOperations push, LocalHub hub, MeterRegistry meters) {
		return RouterFunctions.route()
			.POST("/bench/broadcast", (request) -> push.broadcast("b", stamp()).then(json("{\"sent\":1}")))
			.POST("/bench/broadcast-stream", (request) -> paced(request, () -> push.broadcast("b", stamp())))
			.POST("/bench/targeted", (request) -> {
				int users = Integer.parseInt(request.queryParam("users").orElse("1000"));
				int offset = Integer.parseInt(request.queryParam("offset").orElse("0"));
				return paced(request, () -> push.pushToUser("u" + (offset + ThreadLocalRandom.current().nextInt(users)),
						"t", stamp()));
			})
			.POST("/bench/targeted-recoverable", (request) -> {
				// as targeted, each push appended to its user's stream first
				int users = Integer.parseInt(request.queryParam("users").orElse("1000"));
				int offset = Integer.parseInt(request.queryParam("offset").orElse("0"));
				return paced(request,
						() -> push.pushRecoverable(
								PushTarget.user("u" + (offset + ThreadLocalRandom.current().nextInt(users))), "t",
								stamp()));
			})
			.POST("/bench/targeted-ack", (request) -> {
				// as targeted, each push asking its connection for an acknowledgement
				int users = Integer.parseInt(request.queryParam("users").orElse("1000"));
				Duration timeout = Duration.ofMillis(Long.parseLong(request.queryParam("timeout").orElse("5000")));
				return paced(request,
						() -> push
							.pushWithAck(PushTarget.user("u" + ThreadLocalRandom.current().nextInt(users)), "t",
									stamp(), timeout)
							.map((ack) -> new PushResult(ack.messageId(), ack.localDeliveries())));
			})
			.POST("/bench/ticker", (request) -> {
				// 2 KiB ticks of one event to the GUID the slow scenario's sockets are on
				String pad = "x".repeat(2048);
				return paced(request,
						() -> push.pushToGuid("ticker", "price.tick", Payload.json("{\"pad\":\"" + pad + "\"}")));
			})
			.GET("/bench/stats", (request) -> Mono
				.fromCallable(() -> "false".equals(request.queryParam("gc").orElse("true")) ? 0L : Pacer.heapAfterGc())
				.subscribeOn(Schedulers.boundedElastic())
				.flatMap((heap) -> json("{\"connections\":" + hub.connectionCount() + ",\"heapAfterGc\":" + heap
						+ ",\"pings\":" + (long) pings(meters) + ",\"ackRoundTrip\":" + ackRoundTrip(meters)
						+ ",\"recoveryHold\":" + percentiles(meters, "push.gateway.recovery.hold") + ",\"recovery\":"
						+ recoveryCounts(meters) + ",\"stages\":" + LatencyStages.json(meters) + "}")))
			.build();
	}

	/*
	 * Issues pushes at a fixed rate from a pacing thread (never an event loop) and
	 * answers with how many were sent, delivered on this node, and rejected.
	 */
	private static Mono<ServerResponse> paced(ServerRequest request, Supplier<Mono<PushResult>> push) {
		int rate = Integer.parseInt(request.queryParam("rate").orElse("1000"));
		int seconds = Integer.parseInt(request.queryParam("seconds").orElse("10"));
		AtomicLong delivered = new AtomicLong();
		AtomicLong rejected = new AtomicLong();
		AtomicLong pending = new AtomicLong();
		return Mono.fromCallable(() -> {
			long sent = Pacer.run(rate, seconds, () -> {
				pending.incrementAndGet();
				push.get()
					.doFinally((signal) -> pending.decrementAndGet())
					.subscribe((result) -> delivered.addAndGet(result.localDeliveries()),
							(error) -> rejected.incrementAndGet());
			});
			long deadline = System.nanoTime() + 10_000_000_000L;
			while (pending.get() > 0 && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			return sent;
		})
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((sent) -> json("{\"sent\":" + sent + ",\"delivered\":" + delivered.get() + ",\"rejected\":"
					+ rejected.get() + "}"));
	}

	/* The acknowledgement round trip's count and percentiles, in milliseconds. */
	private static String ackRoundTrip(MeterRegistry meters) {
		return percentiles(meters, "push.gateway.acks.round.trip");
	}

	/* Recoverable pushes held, dropped as duplicates, and gaps filled or given up. */
	private static String recoveryCounts(MeterRegistry meters) {
		StringBuilder json = new StringBuilder("{");
		for (String[] meter : new String[][] { { "push.gateway.recovery.order", "held" },
				{ "push.gateway.recovery.order", "duplicate" }, { "push.gateway.recovery.gaps", "filled" },
				{ "push.gateway.recovery.gaps", "given_up" } }) {
			Counter counter = meters.find(meter[0]).tag("outcome", meter[1]).counter();
			json.append((json.length() > 1) ? "," : "")
				.append('"')
				.append(meter[1])
				.append("\":")
				.append((counter != null) ? (long) counter.count() : 0);
		}
		return json.append("}").toString();
	}

	/* A timer's count and percentiles, in milliseconds. */
	private static String percentiles(MeterRegistry meters, String name) {
		Timer timer = meters.find(name).timer();
		if (timer == null) {
			return "null";
		}
		StringBuilder json = new StringBuilder("{\"count\":" + timer.count());
		for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
			json.append(",\"p")
				.append(Double.toString(value.percentile() * 100).replaceAll("\\.0$", ""))
				.append("\":")
				.append(value.value(TimeUnit.MILLISECONDS));
		}
		return json.append("}").toString();
	}

	private static double pings(MeterRegistry meters) {
		Counter pings = meters.find("push.gateway.frames.in").tag("type", "ping").counter();
		return (pings != null) ? pings.count() : 0;
	}

	private static Payload stamp() {
		return Payload.json("{\"n\":" + System.nanoTime() + "}");
	}

	private static Mono<ServerResponse> json(String body) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
	}

	/**
	 * With {@code bench.observations=true}: an application's {@link ObservationRegistry}
	 * that times every observation, as Actuator's does, so the difference is what the
	 * gateway's observations cost.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("bench.observations")
	static class BenchObservations {

		@Bean
		ObservationRegistry benchObservationRegistry() {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig()
				.observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
			return registry;
		}

	}

	/**
	 * With {@code bench.security=true}: an application's Spring Security that lets every
	 * request through, so the gateway's endpoints run behind WebFlux and the security
	 * filter chain and authenticate with their own token, as without it; the difference
	 * is what the chain costs.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("bench.security")
	@EnableWebFluxSecurity
	static class BenchSecurity {

		@Bean
		SecurityWebFilterChain benchSecurity(ServerHttpSecurity http) {
			return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.build();
		}

	}

}
