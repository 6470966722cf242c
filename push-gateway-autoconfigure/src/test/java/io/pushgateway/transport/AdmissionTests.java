package io.pushgateway.transport;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgateway.codec.JsonFrameCodec;
import io.pushgateway.codec.MessagePackFrameCodec;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.HandshakeRequest;
import io.pushgateway.spi.PushAuthenticator;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.support.FakeHandshakeRequest;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The terms on which a client becomes a connection, whichever transport it uses:
 * subprotocol, origin, credentials and GUIDs.
 *
 * @author Push Gateway team
 */
class AdmissionTests {

	private final PushAuthenticator authenticator = (request) -> {
		String who = request.queryParam("who");
		return (who != null) ? Mono.just(new PushPrincipal(who, Set.of("from-token"), null)) : Mono.empty();
	};

	private final GuidAuthorizer authorizer = (principal, guid) -> Mono.just(guid.startsWith("open-"));

	private final Admission admission = new Admission(List.of(new JsonFrameCodec(), new MessagePackFrameCodec()),
			List.of("https://*.example.com"), 3, this.authenticator, this.authorizer,
			new GatewayMetrics(new SimpleMeterRegistry(), new LocalHub(0)), IpLimits.NONE, PushObservations.OFF);

	@Test
	void noSubprotocolMeansTheDefaultAndTheFirstSupportedOfferWins() {
		assertThat(this.admission.negotiate(null)).isZero();
		assertThat(this.admission.negotiate(" ")).isZero();
		assertThat(this.admission.negotiate("mqtt, push.v1.msgpack, push.v1.json")).isEqualTo(1);
		assertThat(this.admission.negotiate("mqtt")).isEqualTo(-1);
	}

	@Test
	void onlyAllowedForeignOriginsMayConnect() {
		assertThat(this.admission.crossOriginAllowed("https://app.example.com")).isTrue();
		assertThat(this.admission.crossOriginAllowed("https://evil.example.org")).isFalse();
		assertThat(this.admission.crossOriginAllowed("http://app.example.com")).isFalse();
	}

	@Test
	void credentialsAndGuidsDecideAdmission() {
		StepVerifier.create(this.admission.admit(request(Map.of("who", "alice", "guid", "open-1"))))
			.assertNext((admitted) -> {
				assertThat(admitted.principal().uid()).isEqualTo("alice");
				assertThat(admitted.guids()).containsExactly("from-token", "open-1");
			})
			.verifyComplete();
		StepVerifier.create(this.admission.admit(request(Map.of())))
			.expectErrorSatisfies(
					(error) -> assertThat(((HandshakeRejectedException) error).getStatus()).isEqualTo(401))
			.verify();
		StepVerifier.create(this.admission.admit(request(Map.of("who", "alice", "guid", "closed-1"))))
			.expectErrorSatisfies(
					(error) -> assertThat(((HandshakeRejectedException) error).getStatus()).isEqualTo(403))
			.verify();
	}

	private static HandshakeRequest request(Map<String, String> query) {
		return new FakeHandshakeRequest(query);
	}

}
