package io.pushgateway.hub;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgateway.cluster.LocalClusterBus;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.registry.InMemoryMessageRateLimiter;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.spi.UpstreamHandler;
import io.pushgateway.support.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the frame handler answers to each kind of client frame, with the codes the
 * protocol documents, on a connection that records what it is sent.
 *
 * @author Push Gateway team
 */
class ClientFrameHandlerTests {

	private final LocalHub hub = new LocalHub(0);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final GatewayMetrics metrics = new GatewayMetrics(this.meters, this.hub);

	private ClientFrameHandler handler(int maxGuids, int maxInFlight, int maxMessagesPerSecond) {
		List<UpstreamHandler> handlers = List.of(
				UpstreamHandler.forEvent("echo", (message) -> Mono.just(message.payload())),
				UpstreamHandler.forEvent("never", (message) -> Mono.never()),
				UpstreamHandler.forEvent("boom", (message) -> Mono.error(new IllegalStateException("secret detail"))));
		GuidAuthorizer authorizer = (principal, guid) -> Mono.just(guid.startsWith("open-"));
		AckTracker acks = new AckTracker(new LocalClusterBus(), 10, Duration.ofSeconds(5), (nanos) -> {
		});
		return new ClientFrameHandler(this.hub, handlers, authorizer, acks, null, this.metrics, PushObservations.OFF,
				Clock.systemUTC(), "n1",
				new ClientFrameHandler.Limits(maxGuids, maxInFlight, Duration.ofSeconds(5), maxMessagesPerSecond, 0),
				new CredentialRefresh(this::verify, 1000, this.metrics), null);
	}

	/*
	 * Tokens of these tests: "<uid>@<expiry ms>" is valid, "slow" is being verified until
	 * the test completes it, anything else is refused.
	 */
	private final Sinks.One<PushPrincipal> slow = Sinks.one();

	private Mono<PushPrincipal> verify(String token) {
		if (token.equals("slow")) {
			return this.slow.asMono();
		}
		String[] parts = token.split("@");
		if (parts.length != 2) {
			return Mono.error(HandshakeRejectedException.unauthorized("invalid token"));
		}
		return Mono.just(new PushPrincipal(parts[0], Set.of(), Instant.ofEpochMilli(Long.parseLong(parts[1]))));
	}

	private FakeConnection connection() {
		FakeConnection connection = new FakeConnection(1, "alice");
		this.hub.register(connection);
		return connection;
	}

	private static void send(ClientFrameHandler handler, FakeConnection connection, String frame) {
		handler.onFrame(connection, frame.getBytes(StandardCharsets.UTF_8), false);
	}

	private static String last(FakeConnection connection) {
		return connection.written.get(connection.written.size() - 1);
	}

	@Test
	void aFreshCredentialOfTheSameUserReplacesTheConnectionsAndAnotherUsersClosesIt() {
		ClientFrameHandler handler = handler(4, 4, 0);
		FakeConnection connection = connection();
		send(handler, connection, "{\"t\":\"refresh\",\"id\":\"r1\",\"token\":\"alice@2000000000000\"}");
		assertThat(last(connection)).isEqualTo("{\"t\":\"refreshed\",\"id\":\"r1\",\"exp\":2000000000000}");
		assertThat(connection.principal().expiresAt()).isEqualTo(Instant.ofEpochMilli(2000000000000L));

		send(handler, connection, "{\"t\":\"refresh\",\"id\":\"r2\",\"token\":\"forged\"}");
		assertThat(last(connection)).contains("\"id\":\"r2\"")
			.contains("\"code\":" + ErrorCodes.REFRESH_REFUSED)
			.contains("invalid token");
		assertThat(connection.isOpen()).isTrue();

		send(handler, connection, "{\"t\":\"refresh\",\"id\":\"r3\",\"token\":\"mallory@2000000000000\"}");
		assertThat(connection.closeCode).isEqualTo(CloseCodes.CREDENTIAL_MISMATCH);
		assertThat(connection.principal().uid()).isEqualTo("alice");
	}

	@Test
	void oneRefreshIsVerifiedAtATime() {
		ClientFrameHandler handler = handler(4, 4, 0);
		FakeConnection connection = connection();
		send(handler, connection, "{\"t\":\"refresh\",\"id\":\"r1\",\"token\":\"slow\"}");
		send(handler, connection, "{\"t\":\"refresh\",\"id\":\"r2\",\"token\":\"alice@1\"}");
		assertThat(last(connection)).contains("\"id\":\"r2\"").contains("\"code\":" + ErrorCodes.TOO_MANY_IN_FLIGHT);
		this.slow.tryEmitValue(new PushPrincipal("alice", Set.of(), null));
		assertThat(last(connection)).isEqualTo("{\"t\":\"refreshed\",\"id\":\"r1\"}");
	}

	/*
	 * The per-user bucket (its in-memory store, on a clock the test moves): messages over
	 * it get error 4430 and go to no handler; a message within it resets the strikes;
	 * three refusals in a row close the connection with 4008.
	 */
	@Test
	void messagesOverTheUsersRateAreRefusedAndRepeatedAbuseClosesTheConnection() {
		MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));
		ClientFrameHandler handler = new ClientFrameHandler(this.hub,
				List.of(UpstreamHandler.forEvent("echo", (message) -> Mono.just(message.payload()))),
				(principal, guid) -> Mono.just(true),
				new AckTracker(new LocalClusterBus(), 10, Duration.ofSeconds(5), (nanos) -> {
				}), null, this.metrics, PushObservations.OFF, clock, "n1",
				new ClientFrameHandler.Limits(4, 4, Duration.ofSeconds(5), 0, 0, 2, 3),
				new CredentialRefresh(this::verify, 1000, this.metrics),
				new InMemoryMessageRateLimiter(2, 2, 10, clock));
		FakeConnection connection = connection();
		send(handler, connection, "{\"t\":\"msg\",\"id\":\"m1\",\"ev\":\"echo\",\"d\":1}");
		send(handler, connection, "{\"t\":\"msg\",\"id\":\"m2\",\"ev\":\"echo\",\"d\":2}");
		assertThat(last(connection)).isEqualTo("{\"t\":\"reply\",\"id\":\"m2\",\"d\":2}");
		send(handler, connection, "{\"t\":\"msg\",\"id\":\"m3\",\"ev\":\"echo\",\"d\":3}");
		assertThat(last(connection)).contains("\"id\":\"m3\"").contains("\"code\":" + ErrorCodes.USER_RATE_LIMITED);
		send(handler, connection, "{\"t\":\"msg\",\"id\":\"m4\",\"ev\":\"echo\",\"d\":4}");
		assertThat(last(connection)).contains("\"id\":\"m4\"").contains("\"code\":" + ErrorCodes.USER_RATE_LIMITED);

		clock.advance(Duration.ofMillis(500));
		send(handler, connection, "{\"t\":\"msg\",\"id\":\"m5\",\"ev\":\"echo\",\"d\":5}");
		assertThat(last(connection)).isEqualTo("{\"t\":\"reply\",\"id\":\"m5\",\"d\":5}");
		for (int i = 6; i <= 8; i++) {
			assertThat(connection.isOpen()).isTrue();
			send(handler, connection, "{\"t\":\"msg\",\"id\":\"m" + i + "\",\"ev\":\"echo\",\"d\":" + i + "}");
		}
		assertThat(connection.closeCode).isEqualTo(CloseCodes.RATE_LIMITED);
		assertThat(this.meters.get("push.gateway.limited").tag("limit", "user_messages_per_second").counter().count())
			.isEqualTo(5);
	}

	@Test
	void pingIsAnsweredWithPong() {
		FakeConnection connection = connection();
		send(handler(4, 4, 0), connection, "{\"t\":\"ping\"}");
		assertThat(last(connection)).contains("\"t\":\"pong\"");
	}

	@Test
	void aMessageGoesToTheHandlerOfItsEventAndIsRepliedTo() {
		FakeConnection connection = connection();
		send(handler(4, 4, 0), connection, "{\"t\":\"msg\",\"id\":\"m1\",\"ev\":\"echo\",\"d\":{\"a\":1}}");
		assertThat(last(connection)).contains("\"t\":\"reply\"").contains("\"id\":\"m1\"").contains("{\"a\":1}");
	}

	@Test
	void errorsCarryTheDocumentedCodesAndNoInternalDetail() {
		ClientFrameHandler handler = handler(4, 1, 0);
		FakeConnection connection = connection();
		send(handler, connection, "{\"t\":\"msg\",\"id\":\"m1\",\"ev\":\"nobody\"}");
		assertThat(last(connection)).contains("\"code\":" + ErrorCodes.NO_HANDLER);
		send(handler, connection, "{\"t\":\"msg\",\"id\":\"m2\",\"ev\":\"boom\"}");
		assertThat(last(connection)).contains("\"code\":" + ErrorCodes.HANDLER_FAILED).doesNotContain("secret");
		send(handler, connection, "{\"t\":\"msg\",\"id\":\"m3\",\"ev\":\"never\"}");
		send(handler, connection, "{\"t\":\"msg\",\"id\":\"m4\",\"ev\":\"echo\"}");
		assertThat(last(connection)).contains("\"id\":\"m4\"").contains("\"code\":" + ErrorCodes.TOO_MANY_IN_FLIGHT);
		send(handler, connection, "{\"t\":\"frobnicate\",\"id\":\"x\"}");
		assertThat(last(connection)).contains("\"code\":" + ErrorCodes.UNKNOWN_TYPE);
		assertThat(connection.closeCode).isNull();
	}

	@Test
	void joinsAreAuthorizedAndBounded() {
		ClientFrameHandler handler = handler(1, 4, 0);
		FakeConnection connection = connection();
		send(handler, connection, "{\"t\":\"join\",\"id\":\"j1\",\"g\":\"secret-doc\"}");
		assertThat(last(connection)).contains("\"code\":" + ErrorCodes.JOIN_DENIED);
		send(handler, connection, "{\"t\":\"join\",\"id\":\"j2\",\"g\":\"open-1\"}");
		assertThat(last(connection)).contains("\"t\":\"joined\"");
		assertThat(this.hub.guidSize("open-1")).isEqualTo(1);
		send(handler, connection, "{\"t\":\"join\",\"id\":\"j3\",\"g\":\"open-2\"}");
		assertThat(last(connection)).contains("\"code\":" + ErrorCodes.TOO_MANY_GUIDS);
		send(handler, connection, "{\"t\":\"leave\",\"id\":\"l1\",\"g\":\"open-1\"}");
		assertThat(this.hub.guidSize("open-1")).isZero();
	}

	@Test
	void malformedFramesAndFloodsCloseTheConnectionWithTheirCodes() {
		FakeConnection malformed = connection();
		send(handler(4, 4, 0), malformed, "{\"t\":");
		assertThat(malformed.closeCode).isEqualTo(CloseCodes.MALFORMED_FRAME);

		FakeConnection flooder = new FakeConnection(2, "bob");
		this.hub.register(flooder);
		ClientFrameHandler limited = handler(4, 4, 3);
		for (int i = 0; i < 10 && flooder.closeCode == null; i++) {
			send(limited, flooder, "{\"t\":\"ping\"}");
		}
		assertThat(flooder.closeCode).isEqualTo(CloseCodes.RATE_LIMITED);
	}

	@Test
	void invalidUtf8InATextFrameIsRefused() {
		FakeConnection connection = connection();
		handler(4, 4, 0).onFrame(connection, new byte[] { '{', '"', 't', '"', ':', '"', (byte) 0xC3, '"', '}' }, false);
		assertThat(connection.closeCode).isEqualTo(CloseCodes.INVALID_PAYLOAD);
	}

}
