package io.pushgateway.devtools;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Holds idle, heartbeating WebSocket connections to a sample node for a while, to measure
 * what a node costs per connection (for example Redis commands per connection per
 * minute). Arguments: base URL (http://localhost:8081), connections, seconds.
 *
 * @author Push Gateway team
 */
public final class IdleClients {

	private IdleClients() {
	}

	public static void main(String[] args) throws Exception {
		String base = (args.length > 0) ? args[0] : "http://localhost:8081";
		int count = (args.length > 1) ? Integer.parseInt(args[1]) : 1000;
		int seconds = (args.length > 2) ? Integer.parseInt(args[2]) : 120;
		HttpClient http = HttpClient.newHttpClient();
		List<WebSocket> sockets = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			sockets.add(DemoClients.connect(http, base, "idle-" + i, new WebSocket.Listener() {
				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					webSocket.request(1);
					return null;
				}
			}));
		}
		System.out.println("CONNECTED " + count);
		ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
		pinger.scheduleAtFixedRate(() -> sockets.forEach((socket) -> socket.sendText("{\"t\":\"ping\"}", true)), 25, 25,
				TimeUnit.SECONDS);
		Thread.sleep(Duration.ofSeconds(seconds).toMillis());
		pinger.shutdownNow();
		sockets.forEach((socket) -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
		System.out.println("DONE");
	}

}
