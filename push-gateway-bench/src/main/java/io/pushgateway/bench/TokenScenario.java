package io.pushgateway.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.pushgateway.auth.CachingTokenVerifier;
import io.pushgateway.auth.JwtTokenVerifier;
import io.pushgateway.auth.TokenVerifier;

/**
 * The {@code tokens} scenario: what verifying one token costs the thread that does it, in
 * this process (no server, no sockets), for HS256, RS256 and ES256 tokens: the gateway's
 * verifier, Nimbus's {@code DefaultJWTProcessor} configured with the same checks (what
 * the gateway used before, and what most JVM servers use), and the gateway's verifier
 * behind its cache of verified tokens, missing (a fresh token) and hitting (a token seen
 * before). CPU time and bytes allocated per token are the thread's own, from the JVM's
 * thread counters.
 *
 * @author Push Gateway team
 */
final class TokenScenario {

	private final Args args;

	TokenScenario(Args args) {
		this.args = args;
	}

	void run(Map<String, Object> result) throws Exception {
		int count = this.args.getInt("tokens-count", 10_000);
		byte[] secret = BenchGateway.SECRET.getBytes(StandardCharsets.UTF_8);
		RSAKey rsa = new RSAKeyGenerator(2048).generate();
		ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
		result.put("tokens", count);
		result.put("HS256",
				measure(JWSAlgorithm.HS256, new MACSigner(secret),
						JwtTokenVerifier.hmac(secret, null, null, "sub", "guids", Duration.ofSeconds(60)),
						new ImmutableSecret<>(secret), count));
		result.put("RS256",
				measure(JWSAlgorithm.RS256, new RSASSASigner(rsa),
						JwtTokenVerifier.publicKey(pem(rsa.toRSAPublicKey().getEncoded()), null, null, "sub", "guids",
								Duration.ofSeconds(60)),
						new ImmutableJWKSet<>(new JWKSet((JWK) rsa.toPublicJWK())), count));
		result.put("ES256",
				measure(JWSAlgorithm.ES256, new ECDSASigner(ec),
						JwtTokenVerifier.publicKey(pem(ec.toECPublicKey().getEncoded()), null, null, "sub", "guids",
								Duration.ofSeconds(60)),
						new ImmutableJWKSet<>(new JWKSet((JWK) ec.toPublicJWK())), count));
	}

	private static Map<String, Object> measure(JWSAlgorithm algorithm, JWSSigner signer, JwtTokenVerifier gateway,
			JWKSource<SecurityContext> keys, int count) throws Exception {
		DefaultJWTProcessor<SecurityContext> nimbus = new DefaultJWTProcessor<>();
		nimbus.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(algorithm), keys));
		nimbus.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(null, new JWTClaimsSet.Builder().build(),
				new HashSet<>(List.of("sub", "exp")), null));
		List<String> tokens = tokens(algorithm, signer, count);
		List<String> warmUp = tokens(algorithm, signer, count);
		Map<String, Object> figures = new LinkedHashMap<>();
		// through the interface the authenticator calls, each principal taken by one
		// subscriber made beforehand
		Consumer<Object> taken = (principal) -> {
		};
		// two rounds of everything, the second kept: the first compiles every path, so
		// that none is measured colder than the others
		for (int round = 0; round < 2; round++) {
			figures.put("nimbusProcessor", cost(warmUp, tokens, (token) -> {
				try {
					nimbus.process(token, null);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}));
			figures.put("gateway", cost(warmUp, tokens, (token) -> gateway.verify(token).subscribe(taken)));
			TokenVerifier missing = new CachingTokenVerifier(gateway, 2L * count, Duration.ofMinutes(5));
			figures.put("gatewayCacheMiss",
					cost(warmUp, tokens(algorithm, signer, count), (token) -> missing.verify(token).subscribe(taken)));
			// the first pass fills a cache of its own, the second is measured
			TokenVerifier hitting = new CachingTokenVerifier(gateway, 2L * count, Duration.ofMinutes(5));
			figures.put("gatewayCacheHit", cost(tokens, tokens, (token) -> hitting.verify(token).subscribe(taken)));
		}
		return figures;
	}

	/* Fresh tokens, each with its own ID, as after logins. */
	private static List<String> tokens(JWSAlgorithm algorithm, JWSSigner signer, int count) throws Exception {
		String[] tokens = new String[count];
		for (int i = 0; i < count; i++) {
			SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm),
					new JWTClaimsSet.Builder().subject("u" + i)
						.jwtID(Long.toHexString(ThreadLocalRandom.current().nextLong()))
						.claim("guids", List.of("doc-" + i))
						.expirationTime(new Date(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1)))
						.build());
			jwt.sign(signer);
			tokens[i] = jwt.serialize();
		}
		return List.of(tokens);
	}

	/* The thread's CPU and allocation per token, after a round that compiles the path. */
	private static Map<String, Object> cost(List<String> warmUp, List<String> tokens, Consumer<String> verify) {
		warmUp.forEach(verify);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long thread = Thread.currentThread().getId();
		long cpu = threads.getThreadCpuTime(thread);
		long allocated = threads.getThreadAllocatedBytes(thread);
		tokens.forEach(verify);
		Map<String, Object> cost = new LinkedHashMap<>();
		cost.put("cpuMicrosPerToken", Results.round((threads.getThreadCpuTime(thread) - cpu) / 1000.0 / tokens.size()));
		cost.put("bytesAllocatedPerToken", (threads.getThreadAllocatedBytes(thread) - allocated) / tokens.size());
		return cost;
	}

	private static String pem(byte[] publicKey) {
		return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(publicKey)
				+ "\n-----END PUBLIC KEY-----\n";
	}

}
