package io.pushgateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives traffic through a running gateway cluster that Prometheus scrapes, then draws
 * the Grafana dashboard's panels from Prometheus's answers to the dashboard's own
 * queries, as one SVG picture ({@code scripts/dashboard-snapshot.sh} starts the cluster
 * and Prometheus). Grafana itself is not available from the package registries this
 * project may use, so the panels are drawn here; the data and the queries are the real
 * ones.
 *
 * <p>
 * Traffic: WebSocket clients on every node, a few of them reconnecting every second,
 * pushes to random users through the HTTP push API of alternating nodes (so half of them
 * cross the Kafka bus), upstream messages, and now and then a client that sends a
 * malformed frame or floods.
 *
 * @author Push Gateway team
 */
public final class DashboardSnapshot {

	private static final JsonMapper JSON = new JsonMapper();

	private static final String[] COLORS = { "#2f6fdf", "#e07b1f", "#3a9a4a", "#9b4fc0", "#c0392b", "#16a2b8",
			"#7f8c8d", "#d4ac0d" };

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<String> nodes;

	private final String prometheus;

	private final Random random = new Random(42);

	private final List<WebSocket> sockets = new CopyOnWriteArrayList<>();

	private DashboardSnapshot(List<String> nodes, String prometheus) {
		this.nodes = nodes;
		this.prometheus = prometheus;
	}

	public static void main(String[] arguments) throws Exception {
		Args args = Args.parse(arguments);
		List<String> nodes = List.of(args.get("nodes", "http://127.0.0.1:8091,http://127.0.0.1:8092").split(","));
		DashboardSnapshot snapshot = new DashboardSnapshot(nodes, args.get("prometheus", "http://127.0.0.1:9099"));
		long start = System.currentTimeMillis() / 1000;
		int clients = args.getInt("clients", 400);
		int rate = args.getInt("rate", 50);
		snapshot.drive(clients, args.getInt("seconds", 300), rate);
		long end = System.currentTimeMillis() / 1000;
		String svg = snapshot.render(JSON.readTree(Path.of(args.get("dashboard", "docs/ops/grafana-dashboard.json"))),
				start, end, clients + " clients, " + rate + " pushes/s");
		snapshot.closeAll();
		Path out = Path.of(args.get("out", "docs/images/dashboard.svg"));
		Files.writeString(out, svg);
		System.out.println("wrote " + out);
		System.exit(0);
	}

	// traffic

	private void drive(int clients, int seconds, int rate) throws Exception {
		for (int i = 0; i < clients; i++) {
			this.sockets.add(connect(i));
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		long tick = 0;
		while (System.nanoTime() < deadline) {
			long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000 / rate);
			String node = this.nodes.get((int) (tick % this.nodes.size()));
			pushTo(node, "user-" + this.random.nextInt(clients));
			if (tick % rate == 0) {
				everySecond(tick / rate, clients);
			}
			tick++;
			long wait = next - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
		}
	}

	private void closeAll() {
		for (WebSocket socket : this.sockets) {
			socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
		}
	}

	private void everySecond(long second, int clients) throws Exception {
		// churn: five clients reconnect
		for (int i = 0; i < 5; i++) {
			int index = this.random.nextInt(this.sockets.size());
			this.sockets.get(index).sendClose(WebSocket.NORMAL_CLOSURE, "churn");
			try {
				this.sockets.set(index, connect(this.random.nextInt(clients)));
			}
			catch (Exception ex) {
				// a slow handshake: this slot stays closed until the next churn picks it
				System.err.println("reconnect failed: " + ex);
			}
		}
		// heartbeats, as real clients send them (the server closes silent clients)
		for (int i = 0; i < this.sockets.size() / 15; i++) {
			int index = (int) ((second * (this.sockets.size() / 15) + i) % this.sockets.size());
			try {
				this.sockets.get(index).sendText("{\"t\":\"ping\"}", true).get(5, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// closed meanwhile
			}
		}
		// upstream messages
		for (int i = 0; i < 20; i++) {
			WebSocket socket = this.sockets.get(this.random.nextInt(this.sockets.size()));
			try {
				// one send at a time per socket (the JDK's WebSocket refuses overlapping
				// sends)
				socket
					.sendText("{\"t\":\"msg\",\"id\":\"" + second + "-" + i + "\",\"ev\":\"echo\",\"d\":" + i + "}",
							true)
					.get(5, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// closed meanwhile (churn): the next one goes elsewhere
			}
		}
		try {
			misbehave(second, clients);
		}
		catch (Exception ex) {
			System.err.println("misbehaving client failed: " + ex);
		}
	}

	private void misbehave(long second, int clients) throws Exception {
		if (second % 10 == 3) {
			connect(clients + (int) second).sendText("{not json", true);
		}
		if (second % 30 == 17) {
			WebSocket flooder = connect(clients + (int) second);
			try {
				for (int i = 0; i < 600; i++) {
					flooder.sendText("{\"t\":\"ping\"}", true).get(5, TimeUnit.SECONDS);
				}
			}
			catch (Exception ex) {
				// closed with 4008, as intended
			}
		}
	}

	private WebSocket connect(int user) throws Exception {
		String node = this.nodes.get(user % this.nodes.size());
		String body = this.http
			.send(HttpRequest.newBuilder(URI.create(node + "/demo/token?uid=user-" + user)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		String token = JSON.readTree(body).get("token").asString();
		return this.http.newWebSocketBuilder()
			.subprotocols("push.v1.json")
			.buildAsync(URI.create(node.replace("http", "ws") + "/ws?access_token=" + token), new Reader())
			.get(10, TimeUnit.SECONDS);
	}

	private void pushTo(String node, String uid) {
		this.http.sendAsync(HttpRequest.newBuilder(URI.create(node + "/push-api/users/" + uid + "?event=snapshot"))
			.header("Authorization", "Bearer demo-api-token")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"at\":" + System.currentTimeMillis() + "}"))
			.build(), HttpResponse.BodyHandlers.discarding());
	}

	// the picture

	private static final int PANEL_WIDTH = 420;

	private static final int PANEL_HEIGHT = 200;

	private static final int COLUMNS = 3;

	private String render(JsonNode dashboard, long start, long end, String traffic)
			throws IOException, InterruptedException {
		JsonNode panels = dashboard.get("panels");
		int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
		int width = COLUMNS * PANEL_WIDTH + 20;
		int height = rows * PANEL_HEIGHT + 60;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\">%n",
				width, height));
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#111217\"/>%n", width, height));
		svg.append(String.format(Locale.ROOT,
				"<text x=\"12\" y=\"30\" font-size=\"18\" fill=\"#ffffff\">%s: %d minutes of a local two-node "
						+ "cluster (%s), queried from Prometheus</text>%n",
				escape(dashboard.get("title").asString()), Math.round((end - start) / 60.0), traffic));
		for (int i = 0; i < panels.size(); i++) {
			int x = 10 + (i % COLUMNS) * PANEL_WIDTH;
			int y = 50 + (i / COLUMNS) * PANEL_HEIGHT;
			panel(svg, panels.get(i), x, y, start, end);
		}
		return svg.append("</svg>\n").toString();
	}

	private void panel(StringBuilder svg, JsonNode panel, int x, int y, long start, long end)
			throws IOException, InterruptedException {
		String unit = panel.get("fieldConfig").get("defaults").get("unit").asString();
		List<Line> lines = new ArrayList<>();
		for (JsonNode target : panel.get("targets")) {
			lines.addAll(query(target.get("expr").asString(), target.get("legendFormat").asString(), start, end));
		}
		int w = PANEL_WIDTH - 10;
		int h = PANEL_HEIGHT - 10;
		svg.append(String.format(Locale.ROOT,
				"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#181b1f\" stroke=\"#2c3235\"/>%n", x, y, w,
				h));
		svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#ccccdc\">%s</text>%n",
				x + 8, y + 16, escape(panel.get("title").asString())));
		int left = x + 56;
		int top = y + 26;
		int plotWidth = w - 66;
		int plotHeight = h - 70;
		double max = 0;
		for (Line line : lines) {
			for (double[] point : line.points) {
				max = Math.max(max, point[1]);
			}
		}
		max = (max > 0) ? max * 1.1 : 1;
		for (int tick = 0; tick <= 2; tick++) {
			double value = max * tick / 2;
			int ty = top + plotHeight - (int) (plotHeight * tick / 2.0);
			svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#2c3235\"/>"
					+ "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#8e8e8e\" text-anchor=\"end\">%s</text>%n", left,
					ty, left + plotWidth, ty, left - 4, ty + 3, format(value, unit)));
		}
		if (lines.isEmpty()) {
			svg.append(String.format(Locale.ROOT,
					"<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#8e8e8e\">no data</text>%n", left + 10,
					top + plotHeight / 2));
		}
		for (int i = 0; i < lines.size(); i++) {
			Line line = lines.get(i);
			StringBuilder path = new StringBuilder();
			for (double[] point : line.points) {
				double px = left + plotWidth * (point[0] - start) / Math.max(1, end - start);
				double py = top + plotHeight - plotHeight * point[1] / max;
				path.append((path.length() == 0) ? "M" : " L").append(String.format(Locale.ROOT, "%.1f,%.1f", px, py));
			}
			String color = COLORS[i % COLORS.length];
			svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>%n",
					path, color));
			if (i < 6) {
				int lx = x + 8 + (i % 3) * 135;
				int ly = y + h - 24 + (i / 3) * 12;
				svg.append(String.format(Locale.ROOT,
						"<rect x=\"%d\" y=\"%d\" width=\"8\" height=\"8\" fill=\"%s\"/>"
								+ "<text x=\"%d\" y=\"%d\" font-size=\"9\" fill=\"#ccccdc\">%s</text>%n",
						lx, ly - 7, color, lx + 11, ly, escape(shorten(line.name))));
			}
		}
	}

	private List<Line> query(String expr, String legend, long start, long end)
			throws IOException, InterruptedException {
		String url = this.prometheus + "/api/v1/query_range?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)
				+ "&start=" + start + "&end=" + end + "&step=5";
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
		JsonNode result = JSON.readTree(response.body()).path("data").path("result");
		List<Line> lines = new ArrayList<>();
		for (JsonNode series : result) {
			List<double[]> points = new ArrayList<>();
			for (JsonNode value : series.get("values")) {
				double v = Double.parseDouble(value.get(1).asString());
				if (!Double.isNaN(v) && !Double.isInfinite(v)) {
					points.add(new double[] { value.get(0).asDouble(), v });
				}
			}
			if (!points.isEmpty()) {
				lines.add(new Line(legend(legend, series.get("metric")), points));
			}
		}
		return lines;
	}

	private static final Pattern LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

	private static String legend(String format, JsonNode metric) {
		Matcher matcher = LABEL.matcher(format);
		StringBuilder out = new StringBuilder();
		while (matcher.find()) {
			matcher.appendReplacement(out, Matcher.quoteReplacement(metric.path(matcher.group(1)).asString("")));
		}
		matcher.appendTail(out);
		return out.toString();
	}

	private static String format(double value, String unit) {
		return switch (unit) {
			case "s" -> (value < 1) ? String.format(Locale.ROOT, "%.0f ms", value * 1000)
					: String.format(Locale.ROOT, "%.1f s", value);
			case "bytes" -> (value >= 1 << 20) ? String.format(Locale.ROOT, "%.0f MiB", value / (1 << 20))
					: (value >= 1024) ? String.format(Locale.ROOT, "%.0f KiB", value / 1024)
							: String.format(Locale.ROOT, "%.0f B", value);
			case "Bps" -> String.format(Locale.ROOT, "%.0f KiB/s", value / 1024);
			case "percentunit" -> String.format(Locale.ROOT, "%.0f%%", value * 100);
			case "reqps", "ops" -> String.format(Locale.ROOT, (value < 10) ? "%.2f/s" : "%.0f/s", value);
			default -> String.format(Locale.ROOT, "%.0f", value);
		};
	}

	private static String shorten(String text) {
		return (text.length() > 24) ? text.substring(0, 23) + "…" : text;
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	/** Reads and drops what the server sends. */
	private static final class Reader implements WebSocket.Listener {

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			webSocket.request(1);
			return CompletableFuture.completedFuture(null);
		}

	}

	private record Line(String name, List<double[]> points) {
	}

}
