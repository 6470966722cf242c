package io.pushgateway.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
		DemoClient client = new DemoClient(this.port);
		client.connect(client.token("uid=carol"), "push.v1.json", Map.of("Origin", "http://localhost:8080"));
		assertThat(client.next()).contains("\"t\":\"welcome\"").contains("\"uid\":\"carol\"");

		HttpResponse<String> notify = this.http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api/notify/carol"))
				.header("Content-Type", "text/plain")
				.POST(HttpRequest.BodyPublishers.ofString("hello carol"))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(notify.body()).contains("\"localDeliveries\":1");
		// the sample has recovery on, so a 'recovered' frame comes first
		assertThat(client.next("push")).contains("\"ev\":\"notification\"").contains("hello carol");
		client.close();
	}

	/**
	 * docs/http-api.md's disconnect example, run as written with curl against the sample:
	 * alice's connection is closed with the code that tells her client to stay away.
	 */
	@Test
	void theDisconnectExampleOfTheHttpApiDocClosesAlicesConnection() throws Exception {
		String doc = Files.readString(Path.of("../docs/http-api.md"));
		Matcher example = Pattern.compile("```bash\n(curl -X POST [^`]*?/push-api/disconnect/[^`]*?)\n```")
			.matcher(doc);
		assertThat(example.find()).as("the disconnect example in docs/http-api.md").isTrue();
		String command = example.group(1).replace("\\\n", " ").replace("localhost:8080", "localhost:" + this.port);
		DemoClient alice = new DemoClient(this.port);
		alice.connect(alice.token("uid=alice"), "push.v1.json", Map.of());
		assertThat(alice.next()).contains("\"t\":\"welcome\"");

		assertThat(curl(command)).isEqualTo("204");
		assertThat(alice.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4006 logged out");
	}

	/**
	 * docs/http-api.md's ban example, line by line with curl against the sample: mallory
	 * is closed and refused while banned, and welcome once both are lifted.
	 */
	@Test
	void theBanExampleOfTheHttpApiDocKeepsMalloryOutUntilLifted() throws Exception {
		String doc = Files.readString(Path.of("../docs/http-api.md"));
		Matcher example = Pattern.compile("```bash\n(# ban mallory[^`]*?)\n```").matcher(doc);
		assertThat(example.find()).as("the ban example in docs/http-api.md").isTrue();
		List<String> commands = example.group(1)
			.lines()
			.filter((line) -> line.startsWith("curl "))
			.map((line) -> line.replace("localhost:8080", "localhost:" + this.port))
			.toList();
		assertThat(commands).hasSize(4);
		DemoClient mallory = new DemoClient(this.port);
		mallory.connect(mallory.token("uid=mallory"), "push.v1.json", Map.of());
		assertThat(mallory.next()).contains("\"t\":\"welcome\"");

		assertThat(curl(commands.get(0))).isEqualTo("204");
		assertThat(mallory.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4006 banned");
		DemoClient again = new DemoClient(this.port);
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> again.connect(again.token("uid=mallory"), "push.v1.json", Map.of()))
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(403));
		for (String command : commands.subList(1, 4)) {
			assertThat(curl(command)).as(command).isEqualTo("204");
		}
		DemoClient welcome = new DemoClient(this.port);
		welcome.connect(welcome.token("uid=mallory"), "push.v1.json", Map.of());
		assertThat(welcome.next()).contains("\"t\":\"welcome\"");
	}

	private static String curl(String command) throws Exception {
		Process curl = new ProcessBuilder("bash", "-c",
				"TOKEN=demo-api-token; " + command + " -s -o /dev/null -w '%{http_code}'")
			.redirectErrorStream(true)
			.start();
		return new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
	}

	/**
	 * The table "What the sample does" in docs/getting-started.md, row by row, with a
	 * WebSocket that offers no subprotocol, as the page's browser snippet opens it.
	 */
	@Test
	void theSampleBehavesAsGettingStartedDescribes() throws Exception {
		DemoClient client = new DemoClient(this.port);
		String token = client.token("uid=dora&guids=doc-from-token");
		String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
		assertThat(claims).contains("\"sub\":\"dora\"")
			.contains("\"exp\"")
			.contains("\"iat\"")
			.contains("\"guids\":[\"doc-from-token\"]");
		client.connect(token, null, Map.of());
		assertThat(client.next()).contains("\"t\":\"welcome\"");
		assertThat(client.next()).contains("\"t\":\"recovered\"").contains("\"n\":0");

		client.send("{\"t\":\"msg\",\"id\":\"m1\",\"ev\":\"echo\",\"d\":{\"hi\":1}}");
		assertThat(client.next()).contains("\"t\":\"reply\"").contains("\"d\":{\"hi\":1}");

		client.send("{\"t\":\"msg\",\"id\":\"m2\",\"ev\":\"chat\",\"d\":\"lonely\"}");
		assertThat(client.next()).contains("\"id\":\"m2\"").contains("join a document first");

		client.send("{\"t\":\"join\",\"id\":\"j1\",\"g\":\"any-doc\"}");
		assertThat(client.next()).contains("\"t\":\"joined\"");
		client.send("{\"t\":\"msg\",\"id\":\"m3\",\"ev\":\"chat\",\"g\":\"any-doc\",\"d\":\"hello\"}");
		// the GUID's 'recovered', the chat push and the reply, the last two in either
		// order
		List<String> chat = List.of(client.next(), client.next(), client.next());
		String push = chat.stream().filter((frame) -> frame.contains("\"t\":\"push\"")).findFirst().orElseThrow();
		String reply = chat.stream().filter((frame) -> frame.contains("\"t\":\"reply\"")).findFirst().orElseThrow();
		assertThat(chat).anyMatch((frame) -> frame.contains("\"t\":\"recovered\""));
		assertThat(push).contains("\"ev\":\"chat\"").contains("\"g\":\"any-doc\"").contains("\"p\":");
		String pushId = push.replaceAll(".*\"id\":\"([0-9]+)\".*", "$1");
		assertThat(reply).contains("\"messageId\":\"" + pushId + "\"");

		client.send("{\"t\":\"msg\",\"id\":\"m4\",\"ev\":\"nobody.listens\"}");
		assertThat(client.next("error")).contains("\"id\":\"m4\"").contains("4404");
		client.close();
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
		assertThat(LoggerFactory.getLogger("io.pushgateway.connections").isDebugEnabled()).isTrue();
		HttpResponse<String> node = get("/actuator/pushgateway");
		assertThat(node.statusCode()).isEqualTo(200);
		assertThat(node.body()).contains("\"accepting\":true");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
