package io.pushgateway.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.pushgateway.core.BanState;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.registry.redis.RedisBanStore;
import io.pushgateway.spi.BanStore;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.support.MutableClock;
import io.pushgateway.support.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Both ban stores, the memory one and the Redis one against a real {@code redis-server},
 * answer every check the same way.
 *
 * @author Push Gateway team
 */
class BanStoreTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

	private List<BanStore> stores() {
		return List.of(new InMemoryBanStore(100, Duration.ofDays(30), Clock.systemUTC()),
				new RedisBanStore(redis.connectionFactory(), redis.freshPrefix(), Duration.ofDays(30),
						Duration.ofSeconds(5), Clock.systemUTC()));
	}

	private static PushPrincipal principal(String uid, String tokenId, Instant issuedAt) {
		return new PushPrincipal(uid, Set.of(), null, tokenId, issuedAt);
	}

	private static Optional<BanStore.Refusal> check(BanStore store, PushPrincipal principal) {
		return store.check(principal).block();
	}

	@Test
	void aBannedUserIsRefusedWhateverTheTokenUntilUnbanned() {
		for (BanStore store : stores()) {
			PushPrincipal alice = principal("alice", "t1", NOW);
			assertThat(check(store, alice)).isEmpty();
			store.banUser("alice", null).block();
			assertThat(check(store, alice)).as(store.getClass().getSimpleName()).contains(BanStore.Refusal.BANNED);
			assertThat(check(store, PushPrincipal.of("alice"))).contains(BanStore.Refusal.BANNED);
			assertThat(check(store, PushPrincipal.of("bob"))).isEmpty();
			assertThat(store.state("alice").block()).isEqualTo(new BanState(true, null, null));
			store.unbanUser("alice").block();
			assertThat(check(store, alice)).isEmpty();
			assertThat(store.state("alice").block()).isEqualTo(new BanState(false, null, null));
		}
	}

	@Test
	void aBanUntilATimeLapsesThen() {
		for (BanStore store : stores()) {
			Instant until = Instant.now().plusMillis(700);
			store.banUser("carol", until).block();
			assertThat(check(store, PushPrincipal.of("carol"))).as(store.getClass().getSimpleName())
				.contains(BanStore.Refusal.BANNED);
			assertThat(store.state("carol").block().bannedUntil()).isEqualTo(until.truncatedTo(ChronoUnit.MILLIS));
			await().atMost(Duration.ofSeconds(5)).until(() -> check(store, PushPrincipal.of("carol")).isEmpty());
			// a ban until a time already past records nothing
			store.banUser("carol", Instant.now().minusSeconds(1)).block();
			assertThat(check(store, PushPrincipal.of("carol"))).isEmpty();
		}
	}

	@Test
	void aRevokedTokenIsRefusedAndTheUsersOtherTokensAreNot() {
		for (BanStore store : stores()) {
			store.revokeToken("dave", "stolen", Instant.now().plusSeconds(60)).block();
			assertThat(check(store, principal("dave", "stolen", NOW))).as(store.getClass().getSimpleName())
				.contains(BanStore.Refusal.REVOKED);
			assertThat(check(store, principal("dave", "fresh", NOW))).isEmpty();
			// the ID is the user's: another user's token of the same ID is not revoked
			assertThat(check(store, principal("erin", "stolen", NOW))).isEmpty();
			store.restoreToken("dave", "stolen").block();
			assertThat(check(store, principal("dave", "stolen", NOW))).isEmpty();
		}
	}

	@Test
	void aRevocationOfTokensIssuedBeforeATimeSparesLaterOnes() {
		for (BanStore store : stores()) {
			store.revokeIssuedBefore("frank", NOW).block();
			assertThat(check(store, principal("frank", "old", NOW.minusSeconds(1))))
				.as(store.getClass().getSimpleName())
				.contains(BanStore.Refusal.REVOKED);
			// a token that says nothing of when it was issued counts as issued before
			assertThat(check(store, PushPrincipal.of("frank"))).contains(BanStore.Refusal.REVOKED);
			assertThat(check(store, principal("frank", "new", NOW))).isEmpty();
			assertThat(store.state("frank").block()).isEqualTo(new BanState(false, null, NOW));
			store.restoreIssuedBefore("frank").block();
			assertThat(check(store, principal("frank", "old", NOW.minusSeconds(1)))).isEmpty();
		}
	}

	@Test
	void theMemoryStoreRefusesANewEntryWhenFullAndForgetsLapsedOnesFirst() {
		MutableClock clock = new MutableClock(NOW);
		InMemoryBanStore store = new InMemoryBanStore(2, Duration.ofDays(1), clock);
		store.banUser("a", NOW.plusSeconds(10)).block();
		store.banUser("b", null).block();
		assertThatExceptionOfType(PushRejectedException.class).isThrownBy(() -> store.banUser("c", null).block())
			.withMessageContaining("push.gateway.bans.max-entries");
		// a ban already held is updated, not refused
		store.banUser("b", NOW.plusSeconds(20)).block();
		clock.advance(Duration.ofSeconds(11));
		store.banUser("c", null).block();
		assertThat(store.size()).isEqualTo(2);
		assertThat(check(store, PushPrincipal.of("a"))).isEmpty();
		assertThat(check(store, PushPrincipal.of("b"))).contains(BanStore.Refusal.BANNED);
		assertThat(check(store, PushPrincipal.of("c"))).contains(BanStore.Refusal.BANNED);
		// a revocation of earlier tokens is kept for the retention, then forgotten
		store.unbanUser("c").block();
		store.revokeIssuedBefore("d", clock.instant()).block();
		clock.advance(Duration.ofDays(1).plusSeconds(1));
		assertThat(check(store, PushPrincipal.of("d"))).isEmpty();
	}

}
