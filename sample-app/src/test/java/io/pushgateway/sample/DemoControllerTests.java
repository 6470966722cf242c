package io.pushgateway.sample;

import java.time.Duration;

import io.pushgateway.core.PushTarget;
import io.pushgateway.test.GatewayTokens;
import io.pushgateway.test.PushTestClient;
import io.pushgateway.test.RecordingPushOperations;
import io.pushgateway.test.RecordingPushOperations.RecordedPush;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's notification endpoint, tested the two ways {@code docs/testing.md}
 * describes with {@code push-gateway-test}: a unit test with
 * {@link RecordingPushOperations}, and an integration test with a {@link PushTestClient}
 * on the running sample.
 *
 * @author Push Gateway team
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class DemoControllerTests {

	@LocalServerPort
	int port;

	@Value("${push.gateway.auth.jwt.secret}")
	String secret;

	@Test
	void notifyPushesANotificationToTheUser() {
		RecordingPushOperations push = new RecordingPushOperations();
		DemoController controller = new DemoController(push, "a-secret-of-at-least-thirty-two-bytes!!");

		controller.notify("frank", "hello frank").block();

		assertThat(push.pushes()).singleElement().satisfies((RecordedPush recorded) -> {
			assertThat(recorded.target()).isEqualTo(PushTarget.user("frank"));
			assertThat(recorded.event()).isEqualTo("notification");
			assertThat(recorded.payload()).isInstanceOfSatisfying(DemoController.Notification.class,
					(notification) -> assertThat(notification.text()).isEqualTo("hello frank"));
		});
	}

	@Test
	void aConnectedUserReceivesTheNotification() {
		String token = GatewayTokens.secret(this.secret).user("grace").sign();
		try (PushTestClient grace = PushTestClient.connect("ws://localhost:" + this.port + "/ws", token,
				PushTestClient.Protocol.MESSAGE_PACK, Duration.ofSeconds(10))) {
			WebTestClient.bindToServer()
				.baseUrl("http://localhost:" + this.port)
				.build()
				.post()
				.uri("/api/notify/grace")
				.contentType(MediaType.TEXT_PLAIN)
				.bodyValue("hello grace")
				.exchange()
				.expectStatus()
				.isOk();
			assertThat(grace.awaitPush("notification").payload()).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("text", "hello grace");
		}
	}

}
