package io.pushgateway.registry;

import java.time.Duration;
import java.util.Optional;

import io.pushgateway.registry.redis.RedisIdempotencyStore;
import io.pushgateway.support.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis idempotency store against a real {@code redis-server}: one claim per key,
 * under the key docs/cluster.md names.
 *
 * @author Push Gateway team
 */
class RedisIdempotencyStoreTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@Test
	void aKeyIsClaimedOnceUnderItsDocumentedName() throws Exception {
		String prefix = redis.freshPrefix();
		RedisIdempotencyStore first = new RedisIdempotencyStore(redis.connectionFactory(), prefix,
				Duration.ofSeconds(5));
		RedisIdempotencyStore second = new RedisIdempotencyStore(redis.connectionFactory(), prefix,
				Duration.ofSeconds(5));
		assertThat(first.claim("order-7", Duration.ofSeconds(30)).block()).isEmpty();
		assertThat(second.claim("order-7", Duration.ofSeconds(30)).block()).isEqualTo(Optional.of(""));
		first.complete("order-7", "249904190183178240", Duration.ofMinutes(1)).block();
		assertThat(second.claim("order-7", Duration.ofSeconds(30)).block()).contains("249904190183178240");
		assertThat(redis.command("GET " + prefix + ":idempotency:order-7")).contains("249904190183178240");
		second.release("order-7").block();
		assertThat(first.get("order-7").block()).isNull();
	}

}
