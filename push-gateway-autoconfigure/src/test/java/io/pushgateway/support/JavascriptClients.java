package io.pushgateway.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The project's JavaScript client, many instances in one Node process
 * ({@code clients/javascript/cluster/resuming-clients.mjs}), driven from a test: each
 * client reconnects and resumes by itself; the test reads what each one's application
 * saw. Started once, on first use, and stopped with the JVM.
 *
 * @author Push Gateway team
 */
public final class JavascriptClients {

	private static final JsonMapper JSON = new JsonMapper();

	private static JavascriptClients instance;

	private final Process process;

	private final OutputStream commands;

	private final Map<String, BlockingQueue<Map<String, Object>>> events = new ConcurrentHashMap<>();

	private JavascriptClients(Process process) {
		this.process = process;
		this.commands = process.getOutputStream();
		Thread reader = new Thread(this::read, "javascript-clients");
		reader.setDaemon(true);
		reader.start();
		Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
	}

	/**
	 * Whether Node is on the PATH. Where the CI requires the browser
	 * ({@code PUSH_GATEWAY_REQUIRE_BROWSER}), its absence is an error, not a reason to
	 * leave the JavaScript client out.
	 * @return whether the clients can run
	 */
	public static boolean available() {
		boolean found = node() != null;
		if (!found && System.getenv("PUSH_GATEWAY_REQUIRE_BROWSER") != null) {
			throw new IllegalStateException("node is required on the PATH");
		}
		return found;
	}

	/**
	 * The shared process, started on first use.
	 * @return the clients
	 */
	public static synchronized JavascriptClients get() {
		if (instance == null) {
			try {
				File directory = new File("../clients/javascript").getCanonicalFile();
				Process process = new ProcessBuilder(
						List.of(node(), "--experimental-websocket", "cluster/resuming-clients.mjs"))
					.directory(directory)
					.redirectError(ProcessBuilder.Redirect.INHERIT)
					.start();
				instance = new JavascriptClients(process);
			}
			catch (IOException ex) {
				throw new IllegalStateException("node did not start", ex);
			}
		}
		return instance;
	}

	/**
	 * Open a client.
	 * @param key the client's name in this process
	 * @param urls the WebSocket URLs it connects to, the first one first
	 * @param token its token
	 * @return what its application sees, in order
	 */
	public BlockingQueue<Map<String, Object>> open(String key, List<String> urls, String token) {
		BlockingQueue<Map<String, Object>> queue = new LinkedBlockingQueue<>();
		this.events.put(key, queue);
		Map<String, Object> open = new LinkedHashMap<>();
		open.put("key", key);
		open.put("urls", urls);
		open.put("token", token);
		send(Map.of("open", open));
		return queue;
	}

	/**
	 * Drop a client's connection, as a network change would; it reconnects by itself, to
	 * its next URL.
	 * @param key the client
	 */
	public void drop(String key) {
		send(Map.of("drop", key));
	}

	/**
	 * Close a client for good.
	 * @param key the client
	 */
	public void close(String key) {
		send(Map.of("close", key));
		this.events.remove(key);
	}

	private synchronized void send(Map<String, Object> command) {
		try {
			this.commands.write((JSON.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
			this.commands.flush();
		}
		catch (IOException ex) {
			throw new IllegalStateException("the JavaScript clients' process is gone", ex);
		}
	}

	@SuppressWarnings("unchecked")
	private void read() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				if (!line.startsWith("{")) {
					System.out.println("javascript-clients: " + line);
					continue;
				}
				Map<String, Object> event = JSON.readValue(line, Map.class);
				BlockingQueue<Map<String, Object>> queue = this.events.get((String) event.get("key"));
				if (queue != null) {
					queue.add(event);
				}
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	/**
	 * Where Node is on the PATH.
	 * @return its path, or {@code null} when it is not installed
	 */
	public static @Nullable String node() {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			File candidate = new File(directory, "node");
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		return null;
	}

}
