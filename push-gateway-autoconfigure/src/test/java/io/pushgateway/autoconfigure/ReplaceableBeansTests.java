package io.pushgateway.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgateway.cluster.LocalClusterBus;
import io.pushgateway.core.BanOperations;
import io.pushgateway.core.BanState;
import io.pushgateway.core.ClusterStats;
import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadEncoder;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.SocketPresence;
import io.pushgateway.core.UndeliveredListener;
import io.pushgateway.core.UndeliveredPush;
import io.pushgateway.hub.AckTracker;
import io.pushgateway.hub.ClientFrameHandler;
import io.pushgateway.hub.FakeConnection;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.id.WorkerIdStrategy;
import io.pushgateway.registry.InMemoryBanStore;
import io.pushgateway.spi.BanStore;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.HandshakeRequest;
import io.pushgateway.spi.PushAuthenticator;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.spi.PushStore;
import io.pushgateway.spi.Session;
import io.pushgateway.spi.SessionRegistry;
import io.pushgateway.spi.UpstreamHandler;
import io.pushgateway.support.FakeHandshakeRequest;
import io.pushgateway.transport.Admission;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Every bean {@code docs/configuration.md} lists as replaceable is not only created in
 * place of the default but actually called by the gateway: a replacement that backs off
 * the default and is then never used is the defect this guards against.
 *
 * @author Push Gateway team
 */
class ReplaceableBeansTests {

	private final List<String> calls = new CopyOnWriteArrayList<>();

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushGatewayAutoConfiguration.class));

	@Test
	void applicationSessionRegistryHearsOfEveryConnection() {
		this.contextRunner.withBean(SessionRegistry.class, RecordingRegistry::new).run((context) -> {
			LocalHub hub = context.getBean(LocalHub.class);
			FakeConnection connection = new FakeConnection(7, "alice");
			hub.register(connection);
			hub.join(connection, "doc-1");
			hub.leave(connection, "doc-1");
			hub.unregister(connection);
			assertThat(context.getBean(RecordingRegistry.class).events).containsExactly("register 7", "joined 7 doc-1",
					"left 7 doc-1", "unregister 7");
		});
	}

	/*
	 * Presence is a bean of its own, apart from the registry: an application that keeps
	 * sessions elsewhere replaces both, and the gateway asks its PresenceOperations
	 * (here: whether the target of a push that reached nobody is offline).
	 */
	@Test
	void applicationPresenceOperationsAnswerTheGatewaysPresenceQueries() {
		List<UndeliveredPush> reported = new CopyOnWriteArrayList<>();
		this.contextRunner.withPropertyValues("push.gateway.undelivered.all-pushes=true")
			.withBean(SessionRegistry.class, RecordingRegistry::new)
			.withBean(PresenceOperations.class, RecordingPresence::new)
			.withBean(UndeliveredListener.class, () -> reported::add)
			.run((context) -> {
				assertThat(context).getBeans(PresenceOperations.class).hasSize(1);
				context.getBean(PushOperations.class).push(PushTarget.user("erin"), "e", "x").block();
				await().until(() -> reported.size() == 1);
				assertThat(context.getBean(RecordingPresence.class).queries).containsExactly("isOnline erin");
				assertThat(reported.get(0).target()).isEqualTo(PushTarget.user("erin"));
			});
	}

	@Test
	void applicationAuthenticatorAndGuidAuthorizerDecideAdmission() {
		PushAuthenticator authenticator = (request) -> {
			this.calls.add("authenticate " + request.queryParam("who"));
			return Mono.just(PushPrincipal.of(request.queryParam("who")));
		};
		GuidAuthorizer authorizer = (principal, guid) -> {
			this.calls.add("canJoin " + principal.uid() + " " + guid);
			return Mono.just(true);
		};
		this.contextRunner.withBean(PushAuthenticator.class, () -> authenticator)
			.withBean(GuidAuthorizer.class, () -> authorizer)
			.run((context) -> {
				Admission.Admitted admitted = context.getBean(Admission.class)
					.admit(request(Map.of("who", "bob", "guid", "doc-9")))
					.block();
				assertThat(admitted.principal().uid()).isEqualTo("bob");
				assertThat(admitted.guids()).containsExactly("doc-9");
				assertThat(this.calls).containsExactly("authenticate bob", "canJoin bob doc-9");
			});
	}

	@Test
	void applicationBanStoreIsWrittenByBansAndAskedAtEveryAdmission() {
		RecordingBanStore store = new RecordingBanStore();
		PushAuthenticator authenticator = (request) -> Mono.just(PushPrincipal.of(request.queryParam("who")));
		this.contextRunner.withBean(BanStore.class, () -> store)
			.withBean(PushAuthenticator.class, () -> authenticator)
			.run((context) -> {
				context.getBean(BanOperations.class).banUser("mallory", null).block();
				Admission admission = context.getBean(Admission.class);
				assertThat(admission.admit(request(Map.of("who", "bob"))).block().principal().uid()).isEqualTo("bob");
				assertThatExceptionOfType(HandshakeRejectedException.class)
					.isThrownBy(() -> admission.admit(request(Map.of("who", "mallory"))).block())
					.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(403))
					.withMessage("banned");
				assertThat(store.calls).containsExactly("ban mallory", "check bob", "check mallory");
			});
	}

	@Test
	void applicationUpstreamHandlerReceivesClientMessages() {
		UpstreamHandler handler = UpstreamHandler.forEvent("order", (message) -> {
			this.calls.add("handled " + message.uid());
			return Mono.just(Payload.text("ok"));
		});
		this.contextRunner.withBean(UpstreamHandler.class, () -> handler).run((context) -> {
			FakeConnection connection = new FakeConnection(8, "carol");
			context.getBean(LocalHub.class).register(connection);
			context.getBean(ClientFrameHandler.class)
				.onFrame(connection,
						"{\"t\":\"msg\",\"id\":\"m1\",\"ev\":\"order\",\"d\":1}".getBytes(StandardCharsets.UTF_8),
						false);
			await().until(() -> this.calls.contains("handled carol"));
		});
	}

	@Test
	void applicationPushStoreEncoderAckTrackerAndWorkerIdsServeThePushPath() {
		PushStore store = new PushStore() {

			@Override
			public Mono<String> append(String stream, Push push) {
				ReplaceableBeansTests.this.calls.add("append " + stream);
				return Mono.just("5-0");
			}

			@Override
			public Mono<Recovery> since(String stream, @Nullable String since, int max) {
				return Mono.just(new Recovery(true, List.of(), null));
			}

		};
		PayloadEncoder encoder = (value) -> {
			this.calls.add("encode " + value);
			return Payload.json("{}");
		};
		this.contextRunner.withPropertyValues("push.gateway.recovery.enabled=true")
			.withBean(PushStore.class, () -> store)
			.withBean(PayloadEncoder.class, () -> encoder)
			.withBean(WorkerIdStrategy.class, () -> () -> 77)
			.withBean(AckTracker.class, RecordingAckTracker::new)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				PushOperations push = context.getBean(PushOperations.class);
				String id = push.pushRecoverable(PushTarget.user("dave"), "e", Map.of("k", 1)).block().messageId();
				assertThat(this.calls).containsExactly("encode {k=1}", "append user:dave");
				assertThat((Long.parseLong(id) >> 12) & SnowflakeIdGenerator.MAX_WORKER_ID).isEqualTo(77);
				push.pushWithAck(PushTarget.user("dave"), "e", "x", Duration.ofMillis(10), null).block();
				assertThat(context.getBean(RecordingAckTracker.class).expected).isEqualTo(1);
				assertThat(context.getBean(MeterRegistry.class).find("push.gateway.connections").gauge()).isNotNull();
			});
	}

	@Test
	void applicationClockStampsMessageIds() {
		Instant fixed = Instant.parse("2031-05-06T07:08:09Z");
		this.contextRunner.withBean(Clock.class, () -> Clock.fixed(fixed, ZoneOffset.UTC)).run((context) -> {
			String id = context.getBean(PushOperations.class).push(PushTarget.all(), "e", "x").block().messageId();
			assertThat(SnowflakeIdGenerator.timestampMillis(Long.parseLong(id))).isEqualTo(fixed.toEpochMilli());
		});
		this.contextRunner
			.run((context) -> assertThat(context.getBean(Clock.class).getZone()).isEqualTo(ZoneOffset.UTC));
	}

	private static HandshakeRequest request(Map<String, String> query) {
		return new FakeHandshakeRequest(query);
	}

	/* The memory store, recording what the gateway asks of it. */
	static class RecordingBanStore implements BanStore {

		final List<String> calls = new CopyOnWriteArrayList<>();

		private final InMemoryBanStore store = new InMemoryBanStore(10, Duration.ofDays(1), Clock.systemUTC());

		@Override
		public Mono<Void> banUser(String uid, @Nullable Instant until) {
			this.calls.add("ban " + uid);
			return this.store.banUser(uid, until);
		}

		@Override
		public Mono<Void> unbanUser(String uid) {
			return this.store.unbanUser(uid);
		}

		@Override
		public Mono<Void> revokeToken(String uid, String tokenId, Instant until) {
			return this.store.revokeToken(uid, tokenId, until);
		}

		@Override
		public Mono<Void> restoreToken(String uid, String tokenId) {
			return this.store.restoreToken(uid, tokenId);
		}

		@Override
		public Mono<Void> revokeIssuedBefore(String uid, Instant before) {
			return this.store.revokeIssuedBefore(uid, before);
		}

		@Override
		public Mono<Void> restoreIssuedBefore(String uid) {
			return this.store.restoreIssuedBefore(uid);
		}

		@Override
		public Mono<Optional<Refusal>> check(PushPrincipal principal) {
			this.calls.add("check " + principal.uid());
			return this.store.check(principal);
		}

		@Override
		public Mono<BanState> state(String uid) {
			return this.store.state(uid);
		}

	}

	static class RecordingAckTracker extends AckTracker {

		volatile int expected;

		RecordingAckTracker() {
			super(new LocalClusterBus(), 10, Duration.ofSeconds(1), (nanos) -> {
			});
		}

		@Override
		public Mono<List<Long>> expect(long messageId, Duration timeout) {
			this.expected++;
			return Mono.just(List.of());
		}

	}

	static class RecordingRegistry implements SessionRegistry {

		final List<String> events = new CopyOnWriteArrayList<>();

		@Override
		public void register(Session session) {
			this.events.add("register " + session.socketId());
		}

		@Override
		public void unregister(Session session) {
			this.events.add("unregister " + session.socketId());
		}

		@Override
		public void joined(Session session, String guid) {
			this.events.add("joined " + session.socketId() + " " + guid);
		}

		@Override
		public void left(Session session, String guid) {
			this.events.add("left " + session.socketId() + " " + guid);
		}

	}

	static class RecordingPresence implements PresenceOperations {

		final List<String> queries = new CopyOnWriteArrayList<>();

		@Override
		public Mono<Boolean> isOnline(String uid) {
			this.queries.add("isOnline " + uid);
			return Mono.just(false);
		}

		@Override
		public Mono<List<SocketPresence>> socketsOf(String uid) {
			this.queries.add("socketsOf " + uid);
			return Mono.just(List.of());
		}

		@Override
		public Mono<Long> guidConnections(String guid) {
			this.queries.add("guidConnections " + guid);
			return Mono.just(0L);
		}

		@Override
		public Mono<ClusterStats> stats() {
			this.queries.add("stats");
			return Mono.just(new ClusterStats(0, 0, 0));
		}

	}

}
