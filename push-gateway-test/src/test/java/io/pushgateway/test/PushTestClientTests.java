package io.pushgateway.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.UpstreamHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PushTestClient} and {@link GatewayTokens} against a real gateway on a random
 * port, in both protocols: as an application's integration test uses them
 * ({@code docs/testing.md}).
 *
 * @author Push Gateway team
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"push.gateway.auth.jwt.secret=" + PushTestClientTests.SECRET, "push.gateway.recovery.enabled=true" })
class PushTestClientTests {

	static final String SECRET = "a-test-secret-of-at-least-thirty-two-bytes";

	@LocalServerPort
	int port;

	@Autowired
	PushOperations push;

	private PushTestClient connect(String uid, PushTestClient.Protocol protocol, String... guids) {
		return PushTestClient.connect("ws://localhost:" + this.port + "/ws",
				GatewayTokens.secret(SECRET).user(uid).guids(guids).sign(), protocol, Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@EnumSource(PushTestClient.Protocol.class)
	void pushesOfEveryFormatArriveAsValues(PushTestClient.Protocol protocol) {
		try (PushTestClient alice = connect("alice-" + protocol, protocol, "doc-1")) {
			assertThat(alice.welcome().get("uid")).isEqualTo("alice-" + protocol);
			assertThat(alice.welcome().get("g")).isEqualTo(List.of("doc-1"));
			this.push.pushToUser("alice-" + protocol, "order.shipped", Map.of("order", "o-1")).block();
			assertThat(alice.awaitPush("order.shipped").payload()).isEqualTo(Map.of("order", "o-1"));
			this.push.pushToUser("alice-" + protocol, "note", Payload.text("héllo")).block();
			assertThat(alice.awaitPush("note").payload()).isEqualTo("héllo");
			this.push.pushToGuid("doc-1", "file", Payload.binary(new byte[] { 0, 1, (byte) 0xff })).block();
			PushTestClient.Frame file = alice.awaitPush("file");
			assertThat(file.payload()).isEqualTo(new byte[] { 0, 1, (byte) 0xff });
			assertThat(file.get("g")).isEqualTo("doc-1");
		}
	}

	@ParameterizedTest
	@EnumSource(PushTestClient.Protocol.class)
	void followsTheUsersStreamAndResumesFromItsPosition(PushTestClient.Protocol protocol) {
		String uid = "carol-" + protocol;
		String since;
		try (PushTestClient carol = connect(uid, protocol)) {
			carol.await("recovered", (frame) -> frame.type().equals("recovered"));
			this.push.pushRecoverable(PushTarget.user(uid), "n", 1).block();
			assertThat(carol.awaitPush("n").payload()).isEqualTo(1);
			since = carol.position();
			assertThat(since).matches("[a-z0-9]+:1");
		}
		this.push.pushRecoverable(PushTarget.user(uid), "n", 2).block();
		this.push.pushRecoverable(PushTarget.user(uid), "n", 3).block();
		try (PushTestClient back = PushTestClient.connect("ws://localhost:" + this.port + "/ws?since=" + since,
				GatewayTokens.secret(SECRET).user(uid).sign(), protocol, Duration.ofSeconds(10))) {
			assertThat(back.awaitPush("n").payload()).isEqualTo(2);
			assertThat(back.awaitPush("n").payload()).isEqualTo(3);
			assertThat(back.await("recovered", (frame) -> frame.type().equals("recovered")).get("ok")).isEqualTo(true);
			back.assertInPositionOrder();
			assertThat(back.position()).isEqualTo(since.replace(":1", ":3"));
		}
	}

	@ParameterizedTest
	@EnumSource(PushTestClient.Protocol.class)
	void requestsAndJoins(PushTestClient.Protocol protocol) {
		try (PushTestClient bob = connect("bob-" + protocol, protocol)) {
			assertThat(bob.request("echo", Map.of("n", 1)).payload()).isEqualTo(Map.of("n", 1));
			bob.join("doc-2");
			this.push.pushToGuid("doc-2", "edit", "x").block();
			assertThat(bob.awaitPush("edit").get("g")).isEqualTo("doc-2");
			bob.leave("doc-2");
		}
	}

	@ParameterizedTest
	@EnumSource(PushTestClient.Protocol.class)
	void anAcknowledgedPushReportsTheSocket(PushTestClient.Protocol protocol) {
		try (PushTestClient carol = connect("carol-" + protocol, protocol)) {
			var pending = this.push
				.pushWithAck(PushTarget.user("carol-" + protocol), "invoice", "please", Duration.ofSeconds(5))
				.toFuture();
			PushTestClient.Frame invoice = carol.awaitPush("invoice");
			assertThat(invoice.get("a")).isIn(1, 1L);
			carol.ack(invoice);
			assertThat(pending.join().acknowledged())
				.containsExactly(Long.parseLong((String) carol.welcome().get("sid")));
		}
	}

	@ParameterizedTest
	@EnumSource(PushTestClient.Protocol.class)
	void aRefusedMessageFailsTheRequest(PushTestClient.Protocol protocol) {
		try (PushTestClient dave = connect("dave-" + protocol, protocol)) {
			assertThatThrownBy(() -> dave.request("no.such.event", null)).isInstanceOf(AssertionError.class)
				.hasMessageContaining("was refused")
				.hasMessageContaining("4404");
			assertThatThrownBy(() -> dave.join("private-doc")).isInstanceOf(AssertionError.class)
				.hasMessageContaining("was refused");
		}
	}

	@ParameterizedTest
	@EnumSource(PushTestClient.Protocol.class)
	void anExpiredTokenIsRefused(PushTestClient.Protocol protocol) {
		String expired = GatewayTokens.secret(SECRET).user("erin").validFor(Duration.ofMinutes(-5)).sign();
		assertThatException().isThrownBy(() -> PushTestClient.connect("ws://localhost:" + this.port + "/ws", expired,
				protocol, Duration.ofSeconds(5)));
	}

	@Test
	void aTokenSupplierAnswersTheGatewaysRefreshesOnTheSameConnection() {
		String uid = "fay";
		// the first token expired 30 s ago: accepted within the clock skew (60 s), and
		// within the refresh lead (30 s) of its end, so the gateway asks at its next
		// check
		// (every quarter of the heartbeat timeout: 15 s); the supplier's next one lasts
		AtomicInteger issued = new AtomicInteger();
		try (PushTestClient fay = PushTestClient.connect("ws://localhost:" + this.port + "/ws",
				() -> GatewayTokens.secret(SECRET)
					.user(uid)
					.validFor((issued.incrementAndGet() == 1) ? Duration.ofSeconds(-30) : Duration.ofMinutes(5))
					.sign(),
				PushTestClient.Protocol.JSON, Duration.ofSeconds(25))) {
			assertThat(fay.await("refreshed", (frame) -> frame.type().equals("refreshed")).get("exp")).isNotNull();
			assertThat(issued.get()).isEqualTo(2);
			// the connection lived on
			assertThat(fay.request("echo", "still").payload()).isEqualTo("still");
		}
	}

	@ParameterizedTest
	@EnumSource(PushTestClient.Protocol.class)
	void aFreshTokenIsAcceptedAndABadOneRefused(PushTestClient.Protocol protocol) {
		try (PushTestClient gus = connect("gus-" + protocol, protocol)) {
			String fresh = GatewayTokens.secret(SECRET).user("gus-" + protocol).validFor(Duration.ofHours(2)).sign();
			assertThat(((Number) gus.refresh(fresh).get("exp")).longValue())
				.isGreaterThan(System.currentTimeMillis() + Duration.ofMinutes(90).toMillis());
			assertThatThrownBy(() -> gus.refresh("not-a-token")).isInstanceOf(AssertionError.class)
				.hasMessageContaining("4401");
			assertThat(gus.request("echo", "still").payload()).isEqualTo("still");
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

		@Bean
		UpstreamHandler echo() {
			return UpstreamHandler.forEvent("echo", (message) -> Mono.just(message.payload()));
		}

		@Bean
		GuidAuthorizer documents() {
			return (principal, guid) -> Mono.just(guid.startsWith("doc-"));
		}

	}

}
