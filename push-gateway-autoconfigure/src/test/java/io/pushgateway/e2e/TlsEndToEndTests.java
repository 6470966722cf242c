package io.pushgateway.e2e;

import java.io.File;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.pushgateway.support.TestClient;
import io.pushgateway.support.TestGateway;
import io.pushgateway.support.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * TLS terminated by the gateway itself through a Spring Boot SSL bundle: {@code wss://}
 * with a certificate generated for the test, and the certificate replaced on disk without
 * a restart.
 *
 * @author Push Gateway team
 */
class TlsEndToEndTests {

	private static final String PASSWORD = "changeit";

	@TempDir
	Path directory;

	@Test
	void gatewayServesWssAndPicksUpARenewedCertificateWithoutRestart() throws Exception {
		Path keystore = this.directory.resolve("gateway.p12");
		Path first = generate("first");
		Files.copy(first, keystore);
		try (TestGateway gateway = TestGateway
			.start(Map.of("server.ssl.bundle", "gateway", "spring.ssl.bundle.jks.gateway.keystore.location",
					keystore.toUri().toString(), "spring.ssl.bundle.jks.gateway.keystore.password", PASSWORD,
					"spring.ssl.bundle.jks.gateway.keystore.type", "PKCS12",
					"spring.ssl.bundle.jks.gateway.reload-on-update", true, "spring.ssl.bundle.watch.file.quiet-period",
					"200ms"))) {
			assertThat(welcome(gateway.port(), first)).containsEntry("t", "welcome");
			assertThatExceptionOfType(CompletionException.class).as("plain ws:// on the TLS port")
				.isThrownBy(() -> TestClient.connect(gateway.port(), Tokens.forUser("plain")));

			Path second = generate("second");
			Files.copy(second, keystore, StandardCopyOption.REPLACE_EXISTING);

			await().atMost(Duration.ofSeconds(20))
				.ignoreExceptions()
				.until(() -> welcome(gateway.port(), second).containsKey("sid"));
			assertThatExceptionOfType(CompletionException.class).as("the old certificate is gone")
				.isThrownBy(() -> welcome(gateway.port(), first));
		}
	}

	/** A self-signed certificate for localhost, made with the JDK's own keytool. */
	private Path generate(String name) throws Exception {
		Path keystore = this.directory.resolve(name + ".p12");
		String keytool = System.getProperty("java.home") + File.separator + "bin" + File.separator + "keytool";
		Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "gateway", "-keyalg", "EC",
				"-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
				"-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD))
			.redirectErrorStream(true)
			.start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
		return keystore;
	}

	/**
	 * Connects over wss:// trusting only the certificate in a keystore, and returns the
	 * first frame.
	 */
	private static Map<String, Object> welcome(int port, Path trusted) throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		try (FileInputStream in = new FileInputStream(trusted.toFile())) {
			trust.load(in, PASSWORD.toCharArray());
		}
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trust);
		SSLContext tls = SSLContext.getInstance("TLS");
		tls.init(null, trustManagers.getTrustManagers(), null);
		BlockingQueue<String> frames = new LinkedBlockingQueue<>();
		WebSocket socket = HttpClient.newBuilder()
			.sslContext(tls)
			.build()
			.newWebSocketBuilder()
			.subprotocols("push.v1.json")
			.buildAsync(URI.create("wss://localhost:" + port + "/ws?access_token=" + Tokens.forUser("secure")),
					new WebSocket.Listener() {
						@Override
						public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
							frames.add(data.toString());
							return null;
						}
					})
			.join();
		try {
			String frame = frames.poll(10, TimeUnit.SECONDS);
			assertThat(frame).isNotNull();
			return new tools.jackson.databind.json.JsonMapper().readValue(frame, Map.class);
		}
		finally {
			socket.abort();
		}
	}

}
