package io.pushgateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import brave.Span;
import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestCluster;
import io.pushgateway.support.Tokens;
import io.pushgateway.support.UpstreamRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace across the cluster, with a real tracer (Brave, W3C propagation) whose spans
 * are kept in memory: an HTTP push on one node, the push it issues, its send over Kafka
 * and its delivery to the connections of another node; and a client message through its
 * handler to the upstream record, whose {@code traceparent} header a business service
 * continues. The parent links are asserted, not just the spans' presence.
 *
 * @author Push Gateway team
 */
class TracingEndToEndTests {

	private static final String API_TOKEN = "tracing-api-token";

	private static final List<MutableSpan> spans = new CopyOnWriteArrayList<>();

	private static final Tracing tracing = Tracing.newBuilder()
		.localServiceName("push-gateway")
		.currentTraceContext(ThreadLocalCurrentTraceContext.newBuilder().build())
		.propagationFactory(new W3CPropagation())
		.traceId128Bit(true)
		.sampler(Sampler.ALWAYS_SAMPLE)
		.addSpanHandler(new SpanHandler() {

			@Override
			public boolean end(TraceContext context, MutableSpan span, Cause cause) {
				spans.add(span);
				return true;
			}

		})
		.build();

	@RegisterExtension
	static final TestCluster cluster = TestCluster
		.withKafka(2,
				Map.of("push.gateway.http-api.enabled", true, "push.gateway.http-api.token", API_TOKEN,
						"push.gateway.upstream.kafka.enabled", true, "push.gateway.upstream.kafka.topic",
						"traced.upstream", "push.gateway.upstream.kafka.events", "order.*"))
		.with(ApplicationTracing.class);

	@BeforeEach
	void forgetEarlierSpans() {
		spans.clear();
	}

	@Test
	void oneTraceRunsFromAnHttpPushThroughTheBusToTheOtherNodesConnections() throws Exception {
		try (TestClient client = TestClient.connect(cluster.node(1).port(), Tokens.forUser("traced-user"))) {
			client.next("welcome");
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest
					.newBuilder(URI.create(
							"http://127.0.0.1:" + cluster.node(0).port() + "/push-api/users/traced-user?event=traced"))
					.header("Authorization", "Bearer " + API_TOKEN)
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(client.next("push")).containsEntry("ev", "traced");
		}
		MutableSpan http = awaitSpan((span) -> span.name().equalsIgnoreCase("push-api post"));
		MutableSpan push = awaitSpan((span) -> span.name().equalsIgnoreCase("push to user"));
		MutableSpan send = awaitSpan((span) -> span.name().equalsIgnoreCase("push-gateway-bus send"));
		MutableSpan deliver = awaitSpan((span) -> span.name().equalsIgnoreCase("bus deliver"));
		assertThat(List.of(push, send, deliver)).extracting(MutableSpan::traceId).containsOnly(http.traceId());
		assertThat(push.parentId()).as("the push is the HTTP request's child").isEqualTo(http.id());
		assertThat(send.parentId()).as("the bus send is the push's child").isEqualTo(push.id());
		assertThat(send.kind()).isEqualTo(Span.Kind.PRODUCER);
		assertThat(deliver.parentId()).as("the delivery on the other node continues the send").isEqualTo(send.id());
		assertThat(deliver.kind()).isEqualTo(Span.Kind.CONSUMER);
	}

	@Test
	void aClientMessagesTraceContinuesInItsUpstreamRecord() {
		try (TestClient client = TestClient.connect(cluster.node(0).port(), Tokens.forUser("ordering-user"));
				KafkaConsumer<String, byte[]> upstream = UpstreamRecords.consumer(cluster.kafkaBootstrapServers(),
						"traced.upstream", Map.of())) {
			client.next("welcome");
			client.send("{\"t\":\"msg\",\"id\":\"m-traced\",\"ev\":\"order.placed\",\"d\":{\"n\":1}}");
			ConsumerRecord<String, byte[]> record = UpstreamRecords.next(upstream, "m-traced");
			String traceparent = new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8);
			MutableSpan message = awaitSpan((span) -> span.name().equalsIgnoreCase("upstream order.placed"));
			MutableSpan send = awaitSpan((span) -> span.name().equalsIgnoreCase("traced.upstream send"));
			assertThat(send.parentId()).isEqualTo(message.id());
			assertThat(send.traceId()).isEqualTo(message.traceId());
			// version-traceid-parentid-flags: the consumer's span becomes the send's
			// child
			assertThat(traceparent.split("-")).hasSize(4)
				.satisfies((parts) -> assertThat(parts[1]).isEqualTo(message.traceId()))
				.satisfies((parts) -> assertThat(parts[2]).isEqualTo(send.id()));
		}
	}

	private static MutableSpan awaitSpan(Predicate<MutableSpan> condition) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> spans.stream().filter(condition).findFirst().orElse(null), (span) -> span != null);
	}

	/**
	 * The application's tracing: Micrometer Tracing over Brave, W3C propagation, with the
	 * handlers Boot registers.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ApplicationTracing {

		@Bean
		ObservationRegistry observationRegistry() {
			BraveTracer tracer = new BraveTracer(tracing.tracer(),
					new BraveCurrentTraceContext(tracing.currentTraceContext()), new BraveBaggageManager());
			BravePropagator propagator = new BravePropagator(tracing);
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig()
				.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
						new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
						new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
						new DefaultTracingObservationHandler(tracer)));
			return registry;
		}

	}

}
