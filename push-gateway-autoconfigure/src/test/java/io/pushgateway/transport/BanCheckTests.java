package io.pushgateway.transport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.pushgateway.core.BanState;
import io.pushgateway.registry.InMemoryBanStore;
import io.pushgateway.spi.BanStore;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.PushAuthenticator;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.support.FakeHandshakeRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The ban check after authentication: what it refuses with which status, and what it does
 * when the store cannot answer.
 *
 * @author Push Gateway team
 */
class BanCheckTests {

	private final PushAuthenticator authenticator = (request) -> Mono.just(new PushPrincipal(request.queryParam("who"),
			Set.of(), null, request.queryParam("jti"), Instant.parse("2026-12-06T12:00:00Z")));

	private final InMemoryBanStore store = new InMemoryBanStore(10, Duration.ofDays(1), Clock.systemUTC());

	private @Nullable PushPrincipal admit(BanCheck check, String who, String jti) {
		return check.authenticate(new FakeHandshakeRequest(Map.of("who", who, "jti", jti))).block();
	}

	@Test
	void aBannedUserIs403AndARevokedToken401() {
		BanCheck check = new BanCheck(this.authenticator, this.store, true);
		this.store.banUser("mallory", null).block();
		this.store.revokeToken("alice", "stolen", Instant.now().plusSeconds(60)).block();
		assertThatExceptionOfType(HandshakeRejectedException.class).isThrownBy(() -> admit(check, "mallory", "any"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(403))
			.withMessage("banned");
		assertThatExceptionOfType(HandshakeRejectedException.class).isThrownBy(() -> admit(check, "alice", "stolen"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(401))
			.withMessage("token revoked");
		assertThat(admit(check, "alice", "fresh").uid()).isEqualTo("alice");
	}

	@Test
	void aStoreThatCannotAnswerAdmitsWhenFailingOpenAndIs503Otherwise() {
		BanStore broken = new FailingStore();
		assertThat(admit(new BanCheck(this.authenticator, broken, true), "bob", "t").uid()).isEqualTo("bob");
		assertThatExceptionOfType(HandshakeRejectedException.class)
			.isThrownBy(() -> admit(new BanCheck(this.authenticator, broken, false), "bob", "t"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(503))
			.withMessage("cannot check bans now; retry");
	}

	@Test
	void anUnauthenticatedHandshakeNeverReachesTheStore() {
		BanCheck check = new BanCheck((request) -> Mono.empty(), new FailingStore(), false);
		assertThat(check.authenticate(new FakeHandshakeRequest(Map.of())).block()).isNull();
	}

	/* A store whose every answer is an error, as Redis's are while it is down. */
	static class FailingStore implements BanStore {

		private static <T> Mono<T> down() {
			return Mono.error(new IllegalStateException("redis down"));
		}

		@Override
		public Mono<Void> banUser(String uid, @Nullable Instant until) {
			return down();
		}

		@Override
		public Mono<Void> unbanUser(String uid) {
			return down();
		}

		@Override
		public Mono<Void> revokeToken(String uid, String tokenId, Instant until) {
			return down();
		}

		@Override
		public Mono<Void> restoreToken(String uid, String tokenId) {
			return down();
		}

		@Override
		public Mono<Void> revokeIssuedBefore(String uid, Instant before) {
			return down();
		}

		@Override
		public Mono<Void> restoreIssuedBefore(String uid) {
			return down();
		}

		@Override
		public Mono<Optional<Refusal>> check(PushPrincipal principal) {
			return down();
		}

		@Override
		public Mono<BanState> state(String uid) {
			return down();
		}

	}

}
