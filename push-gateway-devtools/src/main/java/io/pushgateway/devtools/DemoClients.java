package io.pushgateway.devtools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;

/**
 * Connects a WebSocket client to a sample node as a user, with a token from the sample's
 * demo token endpoint.
 *
 * @author Push Gateway team
 */
final class DemoClients {

	private DemoClients() {
	}

	static WebSocket connect(HttpClient http, String baseUrl, String uid, WebSocket.Listener listener)
			throws IOException, InterruptedException {
		String body = http
			.send(HttpRequest.newBuilder(URI.create(baseUrl + "/demo/token?uid=" + uid)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		String token = body.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
		return http.newWebSocketBuilder()
			.subprotocols("push.v1.json")
			.buildAsync(URI.create(baseUrl.replace("http", "ws") + "/ws?access_token=" + token), listener)
			.join();
	}

}
