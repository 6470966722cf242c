package io.pushgateway.test.contract;

import java.time.Duration;

import io.pushgateway.core.Payload;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.StreamPosition;
import io.pushgateway.registry.redis.RedisPushStore;
import io.pushgateway.spi.PushStore;
import io.pushgateway.support.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push store contract in Redis Streams, on a real {@code redis-server}, and what only
 * Redis can do to a stream: lose its keys.
 *
 * @author Push Gateway team
 */
class RedisPushStoreContractTests extends PushStoreContract {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@Test
	void aStreamWhoseKeysWereLostStartsANewEpochAndOldPositionsAreGaps() throws Exception {
		String prefix = redis.freshPrefix();
		PushStore store = new RedisPushStore(redis.connectionFactory(), prefix, 3, Duration.ofMinutes(10),
				Duration.ofSeconds(5));
		Push push = new Push(1, PushTarget.user("lost"), "e", Payload.json("1"));
		StreamPosition before = StreamPosition.parse(store.append("user:lost", push).block());
		// what a Redis restarted without persistence, or an eviction, does to the stream
		redis.command("DEL " + prefix + ":stream:user:{lost} " + prefix + ":stream:meta:user:{lost}");

		StreamPosition after = StreamPosition.parse(store.append("user:lost", push).block());

		assertThat(after.epoch()).isNotEqualTo(before.epoch());
		assertThat(after.offset()).isEqualTo(1);
		PushStore.Recovery recovery = store.since("user:lost", before.toString(), 10).block();
		assertThat(recovery.complete()).isFalse();
		assertThat(recovery.last()).isEqualTo(after.toString());
	}

	@Override
	protected PushStore createStore() {
		return new RedisPushStore(redis.connectionFactory(), redis.freshPrefix(), 3, Duration.ofMinutes(10),
				Duration.ofSeconds(5));
	}

}
