package io.pushgateway.sample;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the JavaScript client's own tests (clients/javascript, Node's test runner),
 * including its end-to-end tests against this running sample app and the demo page in
 * headless Chromium, so they are part of the build. Needs Node.js 20 or later on the
 * PATH, and for the browser test Chromium and playwright-core; {@code .ci/run} installs
 * all three and sets PUSH_GATEWAY_REQUIRE_BROWSER so that nothing may be skipped.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class JavascriptClientTests {

	@LocalServerPort
	int port;

	@Test
	void javascriptClientTestsPass() throws Exception {
		String node = node();
		Assumptions.assumeTrue(node != null, "node not found on the PATH: the JavaScript client tests did not run");
		File client = new File("../clients/javascript").getCanonicalFile();
		// --test-force-exit: a test file whose client left a socket open ends when its
		// tests have, instead of keeping node (and this build) waiting
		File log = File.createTempFile("node-test", ".log");
		ProcessBuilder builder = new ProcessBuilder(
				List.of(node, "--experimental-websocket", "--test", "--test-force-exit", "test/"))
			.directory(client)
			.redirectErrorStream(true)
			.redirectOutput(log);
		builder.environment().put("GATEWAY_URL", "http://localhost:" + this.port);
		Process process = builder.start();
		boolean finished;
		try {
			// the output goes to a file, so this wait is the bound (reading a pipe to its
			// end
			// would wait as long as node does)
			finished = process.waitFor(180, TimeUnit.SECONDS);
		}
		finally {
			process.destroyForcibly();
		}
		String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
		assertThat(finished).as("node --test finished within 180 s:%n%s", output).isTrue();
		// the test names and their outcomes, in the build's log
		System.out.println(output);
		assertThat(process.exitValue()).as(output).isZero();
		assertThat(output).contains("# fail 0");
		if ("1".equals(System.getenv("PUSH_GATEWAY_REQUIRE_BROWSER"))) {
			// set by .ci/run, which installs Chromium and playwright-core: nothing may be
			// skipped
			assertThat(output).as(output).contains("# skipped 0");
		}
	}

	private static String node() {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			File candidate = new File(directory, "node");
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		return null;
	}

}
