package io.pushgateway.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.netty.channel.Channel;
import io.pushgateway.core.PushOperations;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.support.RawWebSocket;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Which server path carries a WebSocket upgrade: a Netty handler ahead of Reactor Netty's
 * HTTP server for an upgrade request (the default), which leaves neither Reactor Netty's
 * operations nor the request on the connection, and Reactor Netty's route for what that
 * handler passes on (here an upgrade request with a body), on the same node.
 *
 * @author Push Gateway team
 */
class WebSocketUpgradePathsTests {

	private static TestGateway gateway;

	@BeforeAll
	static void startGateway() {
		gateway = TestGateway.start(Map.of());
	}

	@AfterAll
	static void stopGateway() {
		gateway.close();
	}

	@Test
	void anUpgradeOnTheNettyHandlerKeepsOnlyTheWebSocketsHandlers() throws Exception {
		String uid = uid();
		try (RawWebSocket socket = RawWebSocket.upgrade(gateway.port(), Tokens.forUser(uid), "push.v1.json")) {
			assertThat(socket.nextText()).contains("\"t\":\"welcome\"");
			Channel channel = channelOf(uid);
			assertThat(channel.pipeline().names()).contains("push-gateway-websocket", "wsdecoder", "wsencoder")
				.doesNotContain(NettyPipeline.HttpCodec, NettyPipeline.HttpTrafficHandler,
						"push-gateway-websocket-upgrade", "push-gateway-request-head-timeout");
			// the encoder nearer the socket than the decoder: the close frame the decoder
			// writes on a protocol violation is encoded (1002, 1009)
			assertThat(channel.pipeline().names().indexOf("wsencoder"))
				.isLessThan(channel.pipeline().names().indexOf("wsdecoder"));
			// no Reactor Netty operations: nothing holds the upgrade request (and its
			// token) for the connection's life
			assertThat(ChannelOperations.get(channel)).isNull();
			gateway.bean(PushOperations.class).pushToUser(uid, "note", Map.of("n", 1)).block();
			assertThat(socket.nextText()).contains("\"ev\":\"note\"");
			// the client closes first: the server answers with the client's code and
			// the connection leaves the node
			socket.frame(true, 0, 8, true, new byte[] { 0x03, (byte) 0xE8 });
			assertThat(socket.awaitClose()).isEqualTo(1000);
			await().atMost(Duration.ofSeconds(10)).until(() -> connectionOf(uid) == null);
		}
	}

	@Test
	void anUpgradeRequestWithABodyTakesReactorNettysRoute() throws Exception {
		String uid = uid();
		try (RawWebSocket socket = RawWebSocket.open(gateway.port())) {
			String request = RawWebSocket.request(gateway.port(), "/ws?access_token=" + Tokens.forUser(uid),
					"push.v1.json", "13", true);
			socket.write((request.substring(0, request.length() - 2) + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			assertThat(socket.readStatus()).isEqualTo(101);
			assertThat(socket.nextText()).contains("\"t\":\"welcome\"");
			assertThat(ChannelOperations.get(channelOf(uid))).isNotNull();
			gateway.bean(PushOperations.class).pushToUser(uid, "note", Map.of("n", 2)).block();
			assertThat(socket.nextText()).contains("\"ev\":\"note\"");
		}
	}

	@Test
	void aRefusalOnTheNettyHandlerAnswersAndEndsTheSocket() throws Exception {
		try (RawWebSocket socket = RawWebSocket.open(gateway.port())) {
			socket
				.write(RawWebSocket.request(gateway.port(), "/ws?access_token=not-a-token", "push.v1.json", "13", true)
					.getBytes(StandardCharsets.US_ASCII));
			assertThat(socket.readStatus()).isEqualTo(401);
			// the reason, then the end of the stream (Connection: close)
			assertThat(new String(socket.readRemaining(), StandardCharsets.UTF_8)).contains("invalid");
		}
		try (RawWebSocket socket = RawWebSocket.open(gateway.port())) {
			socket.write(RawWebSocket
				.request(gateway.port(), "/ws?access_token=" + Tokens.forUser(uid()), "push.v9.unknown", "13", true)
				.getBytes(StandardCharsets.US_ASCII));
			assertThat(socket.readStatus()).isEqualTo(400);
			assertThat(new String(socket.readRemaining(), StandardCharsets.UTF_8)).contains("no supported subprotocol");
		}
	}

	private static String uid() {
		return "user-" + UUID.randomUUID();
	}

	private static Channel channelOf(String uid) {
		await().atMost(Duration.ofSeconds(10)).until(() -> connectionOf(uid) != null);
		return ((ChannelConnection) connectionOf(uid)).channel();
	}

	private static PushConnection connectionOf(String uid) {
		return gateway.bean(LocalHub.class)
			.connections()
			.stream()
			.filter((connection) -> connection.uid().equals(uid))
			.findFirst()
			.orElse(null);
	}

}
