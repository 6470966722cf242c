package io.pushgateway.e2e;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.pushgateway.support.JavascriptClients;
import io.pushgateway.support.TestCluster;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official socket.io-client (from npm, in Node) against two gateway nodes over Redis:
 * long-polling through a load balancer without sticky sessions (a round-robin proxy in
 * the Node test), pushes and replies across nodes, and connection state recovery on the
 * other node. The test itself is {@code clients/javascript/cluster/socketio.e2e.mjs}; it
 * needs Node and {@code npm install} in {@code clients/javascript}, which {@code .ci/run}
 * does (and sets PUSH_GATEWAY_REQUIRE_SOCKETIO, so this never skips there).
 *
 * @author Push Gateway team
 */
class SocketIoClientClusterTests {

	private static final String API_TOKEN = "socketio-cluster-api-token";

	@RegisterExtension
	static final TestCluster cluster = TestCluster.withRedisBus(2,
			Map.of("push.gateway.socketio.enabled", true, "push.gateway.recovery.enabled", true,
					"push.gateway.recovery.all-pushes", true, "push.gateway.http-api.enabled", true,
					"push.gateway.http-api.token", API_TOKEN));

	@Test
	void officialClientAcrossTwoNodes() throws Exception {
		File client = new File("../clients/javascript").getCanonicalFile();
		String node = JavascriptClients.node();
		boolean ready = node != null && new File(client, "node_modules/socket.io-client").isDirectory();
		if (System.getenv("PUSH_GATEWAY_REQUIRE_SOCKETIO") == null) {
			Assumptions.assumeTrue(ready, "needs node and npm install in clients/javascript");
		}
		assertThat(ready).as("node and clients/javascript/node_modules/socket.io-client").isTrue();
		ProcessBuilder builder = new ProcessBuilder(
				List.of(node, "--test", "--test-force-exit", "cluster/socketio.e2e.mjs"))
			.directory(client)
			.redirectErrorStream(true);
		builder.environment()
			.put("SOCKETIO_NODES",
					"http://127.0.0.1:" + cluster.node(0).port() + ",http://127.0.0.1:" + cluster.node(1).port());
		builder.environment().put("SOCKETIO_API_TOKEN", API_TOKEN);
		for (String uid : List.of("sio-cluster-polling", "sio-cluster-websocket", "sio-cluster-recovery")) {
			builder.environment().put("SOCKETIO_TOKEN_" + uid.substring(12).toUpperCase(), Tokens.forUser(uid));
		}
		Process process = builder.start();
		String output;
		try {
			output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			process.destroyForcibly();
		}
		System.out.println(output);
		assertThat(process.exitValue()).as(output).isZero();
		assertThat(output).contains("# fail 0", "# skipped 0", "# pass 3");
	}

}
