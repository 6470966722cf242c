package io.pushgateway.devtools;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Connection churn for measuring what connects and disconnects cost the shared registry:
 * {@code rounds} times, opens {@code perRound} connections (users {@code churn-<n>}),
 * attaches each to one of 50 documents, waits for every {@code joined}, closes them all
 * and waits for the closes. Prints {@code DONE <connections>}.
 *
 * <p>
 * {@code java -cp push-gateway-devtools/target/classes io.pushgateway.devtools.ChurnClients http://localhost:8081 10 200}
 *
 * @author Push Gateway team
 */
public final class ChurnClients {

	private ChurnClients() {
	}

	public static void main(String[] args) throws Exception {
		String base = (args.length > 0) ? args[0] : "http://localhost:8081";
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 10;
		int perRound = (args.length > 2) ? Integer.parseInt(args[2]) : 200;
		HttpClient http = HttpClient.newHttpClient();
		int total = 0;
		for (int round = 0; round < rounds; round++) {
			List<WebSocket> sockets = new ArrayList<>();
			List<CompletableFuture<Void>> joined = new ArrayList<>();
			List<CompletableFuture<Void>> closed = new ArrayList<>();
			for (int i = 0; i < perRound; i++) {
				CompletableFuture<Void> join = new CompletableFuture<>();
				CompletableFuture<Void> close = new CompletableFuture<>();
				joined.add(join);
				closed.add(close);
				WebSocket socket = DemoClients.connect(http, base, "churn-" + (round * perRound + i),
						new WebSocket.Listener() {
							@Override
							public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
								if (data.toString().contains("\"t\":\"joined\"")) {
									join.complete(null);
								}
								webSocket.request(1);
								return null;
							}

							@Override
							public CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
								close.complete(null);
								return null;
							}
						});
				socket.sendText("{\"t\":\"join\",\"id\":\"j\",\"g\":\"churn-doc-" + (i % 50) + "\"}", true);
				sockets.add(socket);
			}
			CompletableFuture.allOf(joined.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
			sockets.forEach((socket) -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "churn"));
			CompletableFuture.allOf(closed.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
			total += perRound;
		}
		System.out.println("DONE " + total);
	}

}
