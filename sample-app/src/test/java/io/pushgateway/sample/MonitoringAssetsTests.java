package io.pushgateway.sample;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard and the Prometheus alert rules in {@code docs/ops} against a
 * running node: every series they query is one the node exports, and the alert rules pass
 * {@code promtool}'s checks and unit tests ({@code .ci/run} installs Debian's
 * {@code prometheus} package and sets {@code PUSH_GATEWAY_REQUIRE_PROMTOOL}, so CI cannot
 * skip them).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class MonitoringAssetsTests {

	private static final Path OPS = Path.of("..", "docs", "ops");

	private static final Pattern SERIES = Pattern.compile("\\b((?:push_gateway|jvm|process)_[a-z_]+)\\b");

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void dashboardAndAlertsQueryOnlySeriesTheNodeExports() throws Exception {
		// traffic in both directions, so the per-type frame counters exist
		DemoClient client = new DemoClient(this.port);
		client.connect(client.token("uid=monitor"), "push.v1.json", Map.of());
		client.send("{\"t\":\"ping\"}");
		// the welcome, then the pong
		client.next("pong");
		// a push, so the observation timers of an issued push exist
		this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api/notify/monitor"))
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofString("observed"))
			.build(), HttpResponse.BodyHandlers.ofString());
		client.next("push");
		String scrape = get("/actuator/prometheus").body();
		client.close();
		Set<String> exported = new TreeSet<>();
		scrape.lines()
			.filter((line) -> !line.startsWith("#"))
			.map((line) -> line.split("[{ ]", 2)[0])
			.forEach(exported::add);

		Set<String> queried = new TreeSet<>();
		queried.addAll(series(OPS.resolve("grafana-dashboard.json")));
		queried.addAll(series(OPS.resolve("prometheus-alerts.yml")));
		assertThat(queried).hasSizeGreaterThan(20);
		assertThat(exported).containsAll(queried);
	}

	@Test
	void alertRulesPassPromtool() throws Exception {
		boolean present = new ProcessBuilder("sh", "-c", "command -v promtool").start().waitFor() == 0;
		if (!"1".equals(System.getenv("PUSH_GATEWAY_REQUIRE_PROMTOOL"))) {
			Assumptions.assumeTrue(present, "promtool is not installed (apt-get install prometheus)");
		}
		assertThat(run("promtool", "check", "rules", "prometheus-alerts.yml")).contains("SUCCESS");
		assertThat(run("promtool", "test", "rules", "prometheus-alerts-test.yml")).contains("SUCCESS");
	}

	private static String run(String... command) throws IOException, InterruptedException {
		File log = File.createTempFile("promtool", ".log");
		Process process = new ProcessBuilder(command).directory(OPS.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log)
			.start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		String output = Files.readString(log.toPath());
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

	private static Set<String> series(Path file) throws IOException {
		Set<String> names = new TreeSet<>();
		Matcher matcher = SERIES.matcher(Files.readString(file, StandardCharsets.UTF_8));
		while (matcher.find()) {
			names.add(matcher.group(1));
		}
		return names;
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
