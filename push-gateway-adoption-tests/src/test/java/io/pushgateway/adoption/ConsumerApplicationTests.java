package io.pushgateway.adoption;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A separate application takes the gateway as a team would: this module's build deployed
 * the published modules to a file repository; the application in
 * {@code src/test/consumer} imports the BOM and depends on the starter by its coordinates
 * from there (no reactor module), is built by its own Maven wrapper, and runs on each
 * supported JDK (17, and 25), where a WebSocket client receives a push its REST endpoint
 * issues.
 *
 * @author Push Gateway team
 */
class ConsumerApplicationTests {

	private static final String SECRET = "consumer-application-secret-of-32-bytes!";

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	/** The Spring Boot version this project is built with. */
	private static final String BOOT = System.getProperty("adoption.boot-version");

	private static final Map<String, Path> jars = new HashMap<>();

	private static Path root;

	@BeforeAll
	static void locateTheProject() throws IOException {
		root = Paths.get(System.getProperty("adoption.root")).toRealPath();
	}

	/*
	 * The application built against one Spring Boot version, once: its own wrapper, its
	 * own local repository (nothing of this project comes from this build's), the
	 * published modules from the file repository they were deployed to.
	 */
	private static synchronized Path jar(String bootVersion) throws Exception {
		Path built = jars.get(bootVersion);
		if (built != null) {
			return built;
		}
		Path build = root.resolve("push-gateway-adoption-tests/target/consumer-boot-" + bootVersion);
		copy(root.resolve("push-gateway-adoption-tests/src/test/consumer"), build);
		Files.createDirectories(build.resolve(".mvn/wrapper"));
		Files.copy(root.resolve("mvnw"), build.resolve("mvnw"), StandardCopyOption.REPLACE_EXISTING);
		Files.copy(root.resolve(".mvn/wrapper/maven-wrapper.properties"),
				build.resolve(".mvn/wrapper/maven-wrapper.properties"), StandardCopyOption.REPLACE_EXISTING);
		Path pom = build.resolve("pom.xml");
		Files.writeString(pom, Files.readString(pom)
			.replace("@BOOT_VERSION@", bootVersion)
			// as docs/getting-started.md tells an application on Boot 4.1.1
			.replace("@NETTY_VERSIONS@",
					bootVersion.equals("4.1.1") ? "\n\t\t<reactor-bom.version>2025.0.8</reactor-bom.version>"
							+ "\n\t\t<netty.version>4.2.18.Final</netty.version>" : "")
			.replace("@VERSION@", System.getProperty("adoption.version"))
			.replace("@REPOSITORY@", Paths.get(System.getProperty("adoption.repository")).toUri().toString()));
		Path settings = build.resolve("settings.xml");
		Files.writeString(settings, settings());
		// a local repository of the consumer's own, kept between builds beside this
		// build's (what it took from Maven Central, such as another Spring Boot's
		// artifacts, is not downloaded again) but never holding this project's
		// artifacts when a build starts: they come from the file repository
		Path localRepository = Paths.get(System.getProperty("adoption.local-repository"))
			.resolveSibling("push-gateway-consumer-repository");
		deleteRecursively(localRepository.resolve("io/pushgateway"));
		List<String> command = List.of("sh", build.resolve("mvnw").toString(), "-B", "-q", "-s", settings.toString(),
				"-Dmaven.repo.local=" + localRepository, "-DskipTests", "package");
		Path log = build.resolve("build.log");
		ProcessBuilder builder = new ProcessBuilder(command).directory(build.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().put("JAVA_HOME", jdk(17).toString());
		Process maven = builder.start();
		assertThat(maven.waitFor(5, TimeUnit.MINUTES)).as("the consumer's build ended within 5 minutes").isTrue();
		assertThat(maven.exitValue()).as("the consumer's build:%n%s", Files.readString(log)).isZero();
		Path jar = build.resolve("target/shop.jar");
		assertThat(jar).exists();
		// the starter came from the deployed repository, not from a reactor module
		try (Stream<Path> deployed = Files.walk(localRepository.resolve("io/pushgateway/push-gateway-autoconfigure"))) {
			assertThat(deployed.map((path) -> path.getFileName().toString()))
				.anyMatch((name) -> name.matches("push-gateway-autoconfigure-.*-\\d{8}\\.\\d{6}-\\d+\\.jar"));
		}
		if (bootVersion.equals("4.1.1")) {
			// the versions docs/getting-started.md sets
			try (ZipFile zip = new ZipFile(jar.toFile())) {
				assertThat(zip.stream().map(ZipEntry::getName)).contains("BOOT-INF/lib/reactor-netty-core-1.3.8.jar",
						"BOOT-INF/lib/netty-common-4.2.18.Final.jar");
			}
		}
		jars.put(bootVersion, jar);
		return jar;
	}

	/*
	 * Third-party artifacts from the local repository this build filled (read as a remote
	 * one), then Maven Central.
	 */
	private static String settings() {
		String cache = Paths.get(System.getProperty("adoption.local-repository")).toUri().toString();
		String repository = "<repository><id>build-cache</id><url>" + cache
				+ "</url><snapshots><enabled>false</enabled></snapshots></repository>";
		String pluginRepository = repository.replace("repository>", "pluginRepository>");
		return "<settings><profiles><profile><id>build-cache</id><repositories>" + repository
				+ "</repositories><pluginRepositories>" + pluginRepository
				+ "</pluginRepositories></profile></profiles><activeProfiles><activeProfile>build-cache"
				+ "</activeProfile></activeProfiles></settings>";
	}

	/**
	 * Every supported JDK and Spring Boot version at least once: the version this project
	 * is built with on both JDKs, and the newest 4.1 patch release this project knows to
	 * resolve.
	 */
	@ParameterizedTest(name = "Spring Boot {0} on JDK {1}")
	@CsvSource({ "project, 17", "project, 25", "4.1.2, 25" })
	void theApplicationPushesToAWebSocketClient(String boot, int feature) throws Exception {
		String bootVersion = boot.equals("project") ? BOOT : boot;
		Path jar = jar(bootVersion);
		int port = freePort();
		Path log = jar.resolveSibling("run-jdk" + feature + ".log");
		ProcessBuilder builder = new ProcessBuilder(jdk(feature).resolve("bin/java").toString(), "-jar", jar.toString(),
				"--server.port=" + port, "--server.address=127.0.0.1")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().put("PUSH_JWT_SECRET", SECRET);
		Process application = builder.start();
		try {
			await().atMost(Duration.ofSeconds(90)).until(() -> {
				assertThat(application.isAlive()).as("the application runs:%n%s", Files.readString(log)).isTrue();
				return Files.readString(log).contains("Started ShopApplication");
			});
			assertThat(Files.readString(log)).contains("using Java " + feature).contains("(v" + bootVersion + ")");

			BlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();
			WebSocket socket = HTTP.newWebSocketBuilder()
				.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?access_token=" + token("alice")),
						new Frames(frames))
				.get(10, TimeUnit.SECONDS);
			try {
				assertThat(next(frames)).containsEntry("t", "welcome");
				HttpResponse<String> shipped = HTTP.send(HttpRequest
					.newBuilder(
							URI.create("http://127.0.0.1:" + port + "/orders/o-" + feature + "/ship?customer=alice"))
					.POST(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(shipped.statusCode()).isEqualTo(200);
				assertThat(JSON.readValue(shipped.body(), Map.class)).containsEntry("localDeliveries", 1);
				assertThat(next(frames)).containsEntry("t", "push")
					.containsEntry("ev", "order.shipped")
					.containsEntry("d", Map.of("order", "o-" + feature));
			}
			finally {
				socket.abort();
			}
		}
		finally {
			application.destroy();
			application.waitFor(30, TimeUnit.SECONDS);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> next(BlockingQueue<Map<String, Object>> frames) throws InterruptedException {
		Map<String, Object> frame = frames.poll(10, TimeUnit.SECONDS);
		assertThat(frame).as("a frame within 10 s").isNotNull();
		return frame;
	}

	private static String token(String uid) throws JOSEException {
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
				new JWTClaimsSet.Builder().subject(uid)
					.expirationTime(new Date(System.currentTimeMillis() + 600_000))
					.build());
		jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
		return jwt.serialize();
	}

	/* A JDK of this feature release under /usr/lib/jvm, or the one running the build. */
	private static Path jdk(int feature) {
		if (Runtime.version().feature() == feature) {
			return Paths.get(System.getProperty("java.home"));
		}
		Path jvms = Paths.get("/usr/lib/jvm");
		String missing = "a JDK " + feature + " under /usr/lib/jvm (docs/getting-started.md lists the supported JDKs)";
		boolean required = System.getenv("PUSH_GATEWAY_REQUIRE_JDKS") != null;
		if (!Files.isDirectory(jvms)) {
			assertThat(required).as(missing).isFalse();
			Assumptions.abort(missing);
		}
		try (Stream<Path> installed = Files.list(jvms)) {
			Optional<Path> found = installed.filter((home) -> feature == featureOf(home)).findFirst();
			if (required) {
				// CI runs every supported JDK
				assertThat(found).as(missing).isPresent();
			}
			Assumptions.assumeTrue(found.isPresent(), missing);
			return found.get();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int featureOf(Path home) {
		Path release = home.resolve("release");
		if (!Files.isRegularFile(release) || Files.isSymbolicLink(home)) {
			return -1;
		}
		Properties properties = new Properties();
		try {
			properties.load(Files.newBufferedReader(release));
		}
		catch (IOException ex) {
			return -1;
		}
		String version = properties.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
		return Integer.parseInt(version.split("[.+-]")[0]);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void deleteRecursively(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		List<Path> paths = new ArrayList<>();
		try (Stream<Path> walk = Files.walk(directory)) {
			walk.forEach(paths::add);
		}
		for (int i = paths.size() - 1; i >= 0; i--) {
			Files.delete(paths.get(i));
		}
	}

	private static void copy(Path from, Path to) throws IOException {
		List<Path> paths = new ArrayList<>();
		try (Stream<Path> walk = Files.walk(from)) {
			walk.forEach(paths::add);
		}
		for (Path path : paths) {
			Path target = to.resolve(from.relativize(path).toString());
			if (Files.isDirectory(path)) {
				Files.createDirectories(target);
			}
			else {
				Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
	}

	/** The client's frames, each a JSON object. */
	private static final class Frames implements WebSocket.Listener {

		private final BlockingQueue<Map<String, Object>> frames;

		private final StringBuilder text = new StringBuilder();

		Frames(BlockingQueue<Map<String, Object>> frames) {
			this.frames = frames;
		}

		@Override
		@SuppressWarnings("unchecked")
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				this.frames.add(JSON.readValue(this.text.toString(), Map.class));
				this.text.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

	}

}
