package io.pushgateway.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushResult;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo's REST endpoints: a token issuer (a stand-in for the application's real login)
 * and a notification endpoint that shows {@link PushOperations} in application code.
 *
 * @author Push Gateway team
 */
@RestController
class DemoController {

	private final PushOperations push;

	private final byte[] secret;

	DemoController(PushOperations push, @Value("${push.gateway.auth.jwt.secret}") String secret) {
		this.push = push;
		this.secret = secret.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Issues a demo token for any user, valid for one hour (or {@code seconds}, -3600 to
	 * 3600, to try refreshes and expiry). A real application issues tokens only after its
	 * own login.
	 * @param uid the user ID
	 * @param guids the GUIDs the token grants
	 * @param seconds how long the token is valid, when not an hour
	 * @return the token
	 * @throws JOSEException if signing fails
	 */
	@GetMapping("/demo/token")
	Map<String, String> token(@RequestParam String uid, @RequestParam(required = false) List<String> guids,
			@RequestParam(required = false) Integer seconds) throws JOSEException {
		Instant now = Instant.now();
		Duration validity = (seconds != null) ? Duration.ofSeconds(Math.max(-3600, Math.min(3600, seconds)))
				: Duration.ofHours(1);
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(uid)
			// an ID, so that one token can be revoked (docs/http-api.md, "Bans and
			// revoked
			// tokens")
			.jwtID(UUID.randomUUID().toString())
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(validity)));
		if (guids != null) {
			claims.claim("guids", guids);
		}
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
		jwt.sign(new MACSigner(this.secret));
		return Map.of("token", jwt.serialize());
	}

	/**
	 * Sends a notification to every device of a user.
	 * @param uid the user ID
	 * @param text the notification text
	 * @return the push result
	 */
	@PostMapping("/api/notify/{uid}")
	Mono<PushResult> notify(@PathVariable String uid, @RequestBody String text) {
		return this.push.pushToUser(uid, "notification", new Notification(text, Instant.now().toString()));
	}

	record Notification(String text, String at) {
	}

}
