package io.pushgateway.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A real {@code redis-server} process on a free loopback port, started and stopped by the
 * test (installed by {@code .ci/run} from Debian's package). No persistence: a restart
 * starts empty, as after losing a cache node.
 *
 * @author Push Gateway team
 */
public final class RedisServer implements AutoCloseable {

	private final int port;

	private final File directory;

	private Process process;

	private RedisServer(int port) throws IOException {
		this.port = port;
		this.directory = Files.createTempDirectory("redis-test").toFile();
	}

	public static RedisServer start() {
		try {
			RedisServer server = new RedisServer(FreePort.next());
			server.startProcess();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start redis-server; install it (apt-get install redis-server)", ex);
		}
	}

	public int port() {
		return this.port;
	}

	private void startProcess() throws IOException {
		this.process = new ProcessBuilder(List.of(executable(), "--port", Integer.toString(this.port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.directory.getAbsolutePath()))
			.redirectErrorStream(true)
			.redirectOutput(new File(this.directory, "redis.log"))
			.start();
		awaitPong();
	}

	/** Wait until the server answers PING, or fail after ten seconds. */
	private void awaitPong() {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("redis-server exited with " + this.process.exitValue());
			}
			try {
				if (command("PING").contains("PONG")) {
					return;
				}
			}
			catch (IOException ex) {
				Thread.onSpinWait();
			}
		}
		throw new IllegalStateException("redis-server did not answer PING on port " + this.port);
	}

	/**
	 * Send one inline command and return the raw reply.
	 * @param command the command
	 * @return the reply
	 * @throws IOException on connection failure
	 */
	public String command(String command) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			socket.setSoTimeout(2000);
			socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
			byte[] buffer = new byte[65536];
			int read = socket.getInputStream().read(buffer);
			return (read > 0) ? new String(buffer, 0, read, StandardCharsets.UTF_8) : "";
		}
	}

	/**
	 * A started Lettuce connection factory for this server; the caller destroys it.
	 * @return the connection factory
	 */
	public LettuceConnectionFactory connectionFactory() {
		var factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", this.port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** Kill the server (SIGKILL) and start it again, empty, on the same port. */
	public void restart() {
		kill();
		try {
			startProcess();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Start the server again, empty, on the same port, after {@link #kill()}. */
	public void startAgain() {
		try {
			startProcess();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Kill the server with SIGKILL. */
	public void kill() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		kill();
	}

	private static String executable() throws IOException {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			File candidate = new File(directory, "redis-server");
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		return bundledExecutable();
	}

	private static synchronized String bundledExecutable() throws IOException {
		File binary = new File(System.getProperty("java.io.tmpdir"), "push-gateway-redis-server-6.2.6");
		if (!binary.canExecute()) {
			try (InputStream in = RedisServer.class.getResourceAsStream("/redis-server-6.2.6-v5-linux-amd64")) {
				if (in == null) {
					throw new IOException("no redis-server on the PATH and no bundled binary for this platform");
				}
				File partial = File.createTempFile("redis-server", ".partial");
				Files.copy(in, partial.toPath(), StandardCopyOption.REPLACE_EXISTING);
				partial.setExecutable(true);
				Files.move(partial.toPath(), binary.toPath(), StandardCopyOption.REPLACE_EXISTING,
						StandardCopyOption.ATOMIC_MOVE);
			}
		}
		return binary.getAbsolutePath();
	}

}
