package io.pushgateway.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, combined broker and controller) in its own process, started
 * from Kafka's own main class on the test classpath (Maven Central jars): unlike
 * spring-kafka-test's in-process broker it keeps its port and its log directory, so it
 * can be killed with SIGKILL and restarted as a real broker would be.
 *
 * @author Push Gateway team
 */
public final class KafkaBrokerProcess implements AutoCloseable {

	private final Path directory;

	private final int port;

	private Process process;

	private KafkaBrokerProcess(Path directory, int port) {
		this.directory = directory;
		this.port = port;
	}

	/** The SASL/PLAIN user of a broker started with {@link #startWithSasl()}. */
	public static final String SASL_USER = "gateway";

	/** The SASL/PLAIN password of {@link #SASL_USER}. */
	public static final String SASL_PASSWORD = "gateway-secret";

	public static KafkaBrokerProcess start() throws Exception {
		return start(false, true);
	}

	/**
	 * A broker whose only client listener is SSL, with a self-signed certificate for
	 * {@code 127.0.0.1} made by the JDK's {@code keytool}; clients trust
	 * {@link #certificate()}.
	 * @return the broker
	 * @throws Exception if it did not start
	 */
	public static KafkaBrokerProcess startWithTls() throws Exception {
		return start(false, false, true);
	}

	/**
	 * The PEM certificate of a broker started with {@link #startWithTls()}.
	 * @return the certificate file
	 */
	public Path certificate() {
		return this.directory.resolve("broker.pem");
	}

	/**
	 * A broker whose only client listener is SASL_PLAINTEXT with the PLAIN mechanism
	 * ({@link #SASL_USER}), and which does not create topics on first use.
	 * @return the broker
	 * @throws Exception if it did not start
	 */
	public static KafkaBrokerProcess startWithSasl() throws Exception {
		return start(true, false);
	}

	/**
	 * The client properties that authenticate to a broker started with
	 * {@link #startWithSasl()}.
	 * @param password the password to present
	 * @return {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}
	 */
	public static Map<String, String> saslClientProperties(String password) {
		return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
				"org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + SASL_USER
						+ "\" password=\"" + password + "\";");
	}

	/**
	 * A plaintext broker with one more listener for each of the given pairs of ports: it
	 * listens on the first and advertises the second, where a {@link TcpProxy} forwards
	 * to the first. A client that bootstraps through such a proxy reaches the broker
	 * through it for good (the broker's metadata names the proxy), so a test can cut one
	 * client off.
	 * @param proxied pairs of {listen port, advertised port}
	 * @return the broker
	 * @throws Exception if it did not start
	 */
	public static KafkaBrokerProcess startWithProxiedListeners(List<int[]> proxied) throws Exception {
		return start(false, true, false, proxied);
	}

	private static KafkaBrokerProcess start(boolean sasl, boolean autoCreateTopics) throws Exception {
		return start(sasl, autoCreateTopics, false);
	}

	private static KafkaBrokerProcess start(boolean sasl, boolean autoCreateTopics, boolean tls) throws Exception {
		return start(sasl, autoCreateTopics, tls, List.of());
	}

	private static KafkaBrokerProcess start(boolean sasl, boolean autoCreateTopics, boolean tls, List<int[]> proxied)
			throws Exception {
		Path directory = Files.createTempDirectory("kafka-broker");
		int port = FreePort.next();
		int controller = FreePort.next();
		String listener = tls ? "SSL" : sasl ? "SASL_PLAINTEXT" : "PLAINTEXT";
		StringBuilder listeners = new StringBuilder(
				listener + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
		StringBuilder advertised = new StringBuilder(listener + "://127.0.0.1:" + port);
		StringBuilder protocols = new StringBuilder(listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
		for (int i = 0; i < proxied.size(); i++) {
			listeners.append(",PROXIED").append(i).append("://127.0.0.1:").append(proxied.get(i)[0]);
			advertised.append(",PROXIED").append(i).append("://127.0.0.1:").append(proxied.get(i)[1]);
			protocols.append(",PROXIED").append(i).append(":PLAINTEXT");
		}
		List<String> lines = new ArrayList<>(List.of("process.roles=broker,controller", "node.id=1",
				"controller.quorum.voters=1@127.0.0.1:" + controller, "listeners=" + listeners,
				"advertised.listeners=" + advertised, "controller.listener.names=CONTROLLER",
				"listener.security.protocol.map=" + protocols, "inter.broker.listener.name=" + listener,
				"log.dirs=" + directory.resolve("logs"), "num.partitions=3", "offsets.topic.replication.factor=1",
				"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
				"group.initial.rebalance.delay.ms=0", "auto.create.topics.enable=" + autoCreateTopics));
		if (sasl) {
			lines.addAll(List.of("sasl.enabled.mechanisms=PLAIN", "sasl.mechanism.inter.broker.protocol=PLAIN",
					"listener.name.sasl_plaintext.plain.sasl.jaas.config="
							+ "org.apache.kafka.common.security.plain.PlainLoginModule required "
							+ "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_"
							+ SASL_USER + "=\"" + SASL_PASSWORD + "\";"));
		}
		if (tls) {
			selfSignedCertificate(directory);
			lines.addAll(List.of("ssl.keystore.type=PKCS12", "ssl.keystore.location=" + directory.resolve("broker.p12"),
					"ssl.keystore.password=" + STORE_PASSWORD, "ssl.key.password=" + STORE_PASSWORD,
					"ssl.truststore.type=PKCS12", "ssl.truststore.location=" + directory.resolve("trust.p12"),
					"ssl.truststore.password=" + STORE_PASSWORD));
		}
		lines.add("");
		Files.writeString(directory.resolve("server.properties"), String.join("\n", lines));
		// the tests' logback configuration logs warnings only; the broker's start is an
		// INFO line
		Files.writeString(directory.resolve("logback.xml"),
				"<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">"
						+ "<encoder><pattern>%msg%n</pattern></encoder></appender>"
						+ "<root level=\"INFO\"><appender-ref ref=\"out\"/></root></configuration>");
		Process format = new ProcessBuilder(command(directory, "kafka.tools.StorageTool", "format", "-t",
				Uuid.randomUuid().toString(), "-c", directory.resolve("server.properties").toString()))
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("format.log").toFile())
			.start();
		if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
			throw new IllegalStateException(
					"formatting the broker's storage failed: " + Files.readString(directory.resolve("format.log")));
		}
		KafkaBrokerProcess broker = new KafkaBrokerProcess(directory, port);
		broker.startAgain();
		return broker;
	}

	private static final String STORE_PASSWORD = "broker-store-secret";

	/*
	 * A key pair for 127.0.0.1 and localhost, its certificate in PEM, and a trust store.
	 */
	private static void selfSignedCertificate(Path directory) throws Exception {
		String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
		run(directory, keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity",
				"2", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
				"-keystore", directory.resolve("broker.p12").toString(), "-storepass", STORE_PASSWORD);
		run(directory, keytool, "-exportcert", "-rfc", "-alias", "broker", "-keystore",
				directory.resolve("broker.p12").toString(), "-storepass", STORE_PASSWORD, "-file",
				directory.resolve("broker.pem").toString());
		run(directory, keytool, "-importcert", "-noprompt", "-alias", "broker", "-file",
				directory.resolve("broker.pem").toString(), "-storetype", "PKCS12", "-keystore",
				directory.resolve("trust.p12").toString(), "-storepass", STORE_PASSWORD);
	}

	private static void run(Path directory, String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(directory.resolve("keytool.log").toFile())
			.start();
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException("keytool failed: " + Files.readString(directory.resolve("keytool.log")));
		}
	}

	/** Start the broker (again), on the same port and log directory. */
	public void startAgain() {
		try {
			this.process = new ProcessBuilder(
					command(this.directory, "kafka.Kafka", this.directory.resolve("server.properties").toString()))
				.redirectErrorStream(true)
				.start();
			CompletableFuture<Void> started = new CompletableFuture<>();
			Process current = this.process;
			Thread reader = new Thread(() -> {
				try (BufferedReader lines = new BufferedReader(
						new InputStreamReader(current.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = lines.readLine()) != null) {
						if (line.contains("Kafka Server started")) {
							started.complete(null);
						}
					}
					started.completeExceptionally(new IllegalStateException("the broker process exited"));
				}
				catch (IOException ex) {
					started.completeExceptionally(ex);
				}
			}, "kafka-broker-output");
			reader.setDaemon(true);
			reader.start();
			started.get(60, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("the Kafka broker did not start", ex);
		}
	}

	public String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	/** Kill the broker with SIGKILL. */
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
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// a temporary directory
		}
	}

	private static List<String> command(Path directory, String main, String... args) {
		List<String> command = new ArrayList<>(
				List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-Xmx512m",
						"-Dlogback.configurationFile=" + directory.resolve("logback.xml"), "-cp",
						System.getProperty("java.class.path"), main));
		command.addAll(List.of(args));
		return command;
	}

}
