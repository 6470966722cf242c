package io.pushgateway.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample as a newcomer uses it: get a demo token, connect, and receive a notification
 * sent through the sample's REST endpoint, which uses {@code PushOperations}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void demoTokenConnectsAndNotificationArrives() throws Exception {
		String body = get("/demo/token?uid=carol").body();
		String token = body.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
		BlockingQueue<String> frames = new LinkedBlockingQueue<>();
		WebSocket socket = this.http.newWebSocketBuilder()
			.subprotocols("push.v1.json")
			.header("Origin", "http://localhost:8080")
			.buildAsync(URI.create("ws://localhost:" + this.port + "/ws?access_token=" + token),
					new WebSocket.Listener() {
						@Override
						public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
							frames.add(data.toString());
							webSocket.request(1);
							return null;
						}
					})
			.get(10, TimeUnit.SECONDS);
		assertThat(frames.poll(10, TimeUnit.SECONDS)).contains("\"t\":\"welcome\"").contains("\"uid\":\"carol\"");

		HttpResponse<String> notify = this.http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api/notify/carol"))
				.header("Content-Type", "text/plain")
				.POST(HttpRequest.BodyPublishers.ofString("hello carol"))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(notify.body()).contains("\"localDeliveries\":1");
		assertThat(nextPush(frames)).contains("\"ev\":\"notification\"").contains("hello carol");
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
	}

	/**
	 * The table "What the sample does" in docs/getting-started.md, row by row, with a
	 * WebSocket that offers no subprotocol, as the page's browser snippet opens it.
	 */
	@Test
	void theSampleBehavesAsGettingStartedDescribes() throws Exception {
		String token = get("/demo/token?uid=dora&guids=doc-from-token").body()
			.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
		String claims = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
				java.nio.charset.StandardCharsets.UTF_8);
		assertThat(claims).contains("\"sub\":\"dora\"")
			.contains("\"exp\"")
			.contains("\"iat\"")
			.contains("\"guids\":[\"doc-from-token\"]");
		BlockingQueue<String> frames = new LinkedBlockingQueue<>();
		WebSocket socket = this.http.newWebSocketBuilder()
			.buildAsync(URI.create("ws://localhost:" + this.port + "/ws?access_token=" + token),
					new WebSocket.Listener() {
						@Override
						public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
							frames.add(data.toString());
							webSocket.request(1);
							return null;
						}
					})
			.get(10, TimeUnit.SECONDS);
		assertThat(frames.poll(10, TimeUnit.SECONDS)).contains("\"t\":\"welcome\"");
		assertThat(frames.poll(10, TimeUnit.SECONDS)).contains("\"t\":\"recovered\"").contains("\"n\":0");

		socket.sendText("{\"t\":\"msg\",\"id\":\"m1\",\"ev\":\"echo\",\"d\":{\"hi\":1}}", true).join();
		assertThat(frames.poll(10, TimeUnit.SECONDS)).contains("\"t\":\"reply\"").contains("\"d\":{\"hi\":1}");

		socket.sendText("{\"t\":\"msg\",\"id\":\"m2\",\"ev\":\"chat\",\"d\":\"lonely\"}", true).join();
		assertThat(frames.poll(10, TimeUnit.SECONDS)).contains("\"id\":\"m2\"").contains("join a document first");

		socket.sendText("{\"t\":\"join\",\"id\":\"j1\",\"g\":\"any-doc\"}", true).join();
		assertThat(frames.poll(10, TimeUnit.SECONDS)).contains("\"t\":\"joined\"");
		socket.sendText("{\"t\":\"msg\",\"id\":\"m3\",\"ev\":\"chat\",\"g\":\"any-doc\",\"d\":\"hello\"}", true).join();
		// the GUID's 'recovered', the chat push and the reply, the last two in either
		// order
		List<String> chat = new java.util.ArrayList<>();
		while (chat.size() < 3) {
			chat.add(frames.poll(10, TimeUnit.SECONDS));
		}
		String push = chat.stream().filter((frame) -> frame.contains("\"t\":\"push\"")).findFirst().orElseThrow();
		String reply = chat.stream().filter((frame) -> frame.contains("\"t\":\"reply\"")).findFirst().orElseThrow();
		assertThat(chat).anyMatch((frame) -> frame.contains("\"t\":\"recovered\""));
		assertThat(push).contains("\"ev\":\"chat\"").contains("\"g\":\"any-doc\"").contains("\"p\":");
		String pushId = push.replaceAll(".*\"id\":\"([0-9]+)\".*", "$1");
		assertThat(reply).contains("\"messageId\":\"" + pushId + "\"");

		socket.sendText("{\"t\":\"msg\",\"id\":\"m4\",\"ev\":\"nobody.listens\"}", true).join();
		assertThat(nextOf(frames, "error")).contains("\"id\":\"m4\"").contains("4404");
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
	}

	/** The next frame of a type, skipping others. */
	private static String nextOf(BlockingQueue<String> frames, String type) throws InterruptedException {
		for (int i = 0; i < 10; i++) {
			String frame = frames.poll(10, TimeUnit.SECONDS);
			if (frame == null || frame.contains("\"t\":\"" + type + "\"")) {
				return frame;
			}
		}
		return null;
	}

	@Test
	void prometheusEndpointExposesGatewayMeters() throws Exception {
		HttpResponse<String> response = get("/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("push_gateway_connections");
	}

	@Test
	void logLevelsChangeAtRunTimeAndTheGatewayEndpointAnswers() throws Exception {
		HttpResponse<String> set = this.http.send(HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/loggers/io.pushgateway.connections"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"configuredLevel\":\"DEBUG\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(set.statusCode()).isEqualTo(204);
		assertThat(get("/actuator/loggers/io.pushgateway.connections").body())
			.contains("\"configuredLevel\":\"DEBUG\"");
		assertThat(org.slf4j.LoggerFactory.getLogger("io.pushgateway.connections").isDebugEnabled()).isTrue();
		HttpResponse<String> node = get("/actuator/pushgateway");
		assertThat(node.statusCode()).isEqualTo(200);
		assertThat(node.body()).contains("\"accepting\":true");
	}

	/**
	 * The next push frame; the sample has recovery on, so a 'recovered' frame comes
	 * first.
	 */
	private static String nextPush(BlockingQueue<String> frames) throws InterruptedException {
		for (int i = 0; i < 5; i++) {
			String frame = frames.poll(10, TimeUnit.SECONDS);
			if (frame == null || frame.contains("\"t\":\"push\"")) {
				return frame;
			}
		}
		return null;
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
