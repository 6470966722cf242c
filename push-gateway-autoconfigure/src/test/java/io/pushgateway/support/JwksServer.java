package io.pushgateway.support;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/**
 * An identity provider's JWKS endpoint for tests, served by the JDK's HTTP server on
 * loopback, whose key set a test can change; and tokens signed with its keys. A key set
 * of {@code null} makes every fetch fail.
 *
 * @author Push Gateway team
 */
public final class JwksServer implements AutoCloseable {

	private final AtomicReference<JWKSet> published = new AtomicReference<>();

	private final AtomicInteger fetches = new AtomicInteger();

	private final HttpServer server;

	private JwksServer(HttpServer server) {
		this.server = server;
	}

	public static JwksServer start() throws Exception {
		JwksServer jwks = new JwksServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
		jwks.server.createContext("/jwks", (exchange) -> {
			jwks.fetches.incrementAndGet();
			byte[] body = jwks.published.get().toString(true).getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		jwks.server.start();
		return jwks;
	}

	public void publish(JWKSet keys) {
		this.published.set(keys);
	}

	public int fetches() {
		return this.fetches.get();
	}

	public String uri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/jwks";
	}

	/**
	 * A token signed with a key (RS256 for RSA, ES256 for EC), valid for five minutes.
	 * @param key the private key
	 * @param subject the subject
	 * @param issuer the issuer
	 * @param audience the audience
	 * @param claims further claims
	 * @return the serialized token
	 * @throws JOSEException when signing fails
	 */
	public static String token(JWK key, String subject, String issuer, String audience, Map<String, Object> claims)
			throws JOSEException {
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().subject(subject)
			.issuer(issuer)
			.audience(List.of(audience))
			.expirationTime(Date.from(Instant.now().plusSeconds(300)));
		claims.forEach(builder::claim);
		SignedJWT jwt;
		if (key instanceof RSAKey rsa) {
			jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
					builder.build());
			jwt.sign(new RSASSASigner(rsa));
		}
		else {
			jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
					builder.build());
			jwt.sign(new ECDSASigner((ECKey) key));
		}
		return jwt.serialize();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
