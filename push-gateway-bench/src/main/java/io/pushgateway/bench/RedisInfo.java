package io.pushgateway.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Two Redis questions over one plain socket (RESP), for the cluster scenario: memory in
 * use and the size of a set. A client library would do, but this needs neither a
 * connection pool nor a second Redis client in the benchmark process.
 *
 * @author Push Gateway team
 */
final class RedisInfo {

	private RedisInfo() {
	}

	/**
	 * {@code used_memory} from {@code INFO memory}.
	 * @param port the Redis port on loopback
	 * @return bytes
	 */
	static long usedMemory(int port) {
		String info = (String) call(port, "INFO", "memory");
		for (String line : info.split("\r\n")) {
			if (line.startsWith("used_memory:")) {
				return Long.parseLong(line.substring("used_memory:".length()).trim());
			}
		}
		throw new IllegalStateException("no used_memory in INFO");
	}

	/**
	 * The calls of each command since the statistics were reset, from
	 * {@code INFO commandstats}.
	 * @param port the Redis port on loopback
	 * @return calls by command name (lower case)
	 */
	static Map<String, Long> commandCalls(int port) {
		String info = (String) call(port, "INFO", "commandstats");
		Map<String, Long> calls = new TreeMap<>();
		for (String line : info.split("\r\n")) {
			if (line.startsWith("cmdstat_")) {
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				int at = line.indexOf("calls=") + "calls=".length();
				int end = line.indexOf(',', at);
				calls.put(name, Long.parseLong(line.substring(at, end)));
			}
		}
		return calls;
	}

	/**
	 * Start a {@code redis-server} on loopback, without persistence, logging to
	 * {@code redis.log} in the work directory.
	 * @param args the bench's arguments ({@code --redis-server} names the binary)
	 * @param workDir the work directory
	 * @param port the port
	 * @return the process
	 * @throws IOException if it cannot start
	 */
	static Process startServer(Args args, Path workDir, int port) throws IOException {
		return new ProcessBuilder(args.get("redis-server", "redis-server"), "--port", Integer.toString(port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no")
			.redirectErrorStream(true)
			.redirectOutput(workDir.resolve("redis.log").toFile())
			.start();
	}

	/**
	 * {@code CONFIG RESETSTAT}: command statistics count from now.
	 * @param port the Redis port on loopback
	 */
	static void resetStats(int port) {
		call(port, "CONFIG", "RESETSTAT");
	}

	/**
	 * {@code HLEN key}.
	 * @param port the port
	 * @param key the key
	 * @return the number of fields
	 */
	static long hashSize(int port, String key) {
		return (Long) call(port, "HLEN", key);
	}

	private static Object call(int port, String... command) {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
			for (String part : command) {
				request.append('$')
					.append(part.getBytes(StandardCharsets.UTF_8).length)
					.append("\r\n")
					.append(part)
					.append("\r\n");
			}
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			DataInputStream in = new DataInputStream(socket.getInputStream());
			String header = readLine(in);
			return switch (header.charAt(0)) {
				case ':' -> Long.parseLong(header.substring(1));
				case '+' -> header.substring(1);
				case '$' -> {
					byte[] bulk = new byte[Integer.parseInt(header.substring(1))];
					in.readFully(bulk);
					yield new String(bulk, StandardCharsets.UTF_8);
				}
				default -> throw new IllegalStateException("Redis answered " + header);
			};
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String readLine(DataInputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int b; (b = in.read()) != -1;) {
			if (b == '\r') {
				in.read();
				break;
			}
			line.append((char) b);
		}
		return line.toString();
	}

}
