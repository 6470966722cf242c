package io.pushgateway.test.contract;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.pushgateway.registry.InMemoryPushStore;
import io.pushgateway.spi.PushStore;

/**
 * The push store contract in node memory.
 *
 * @author Push Gateway team
 */
class InMemoryPushStoreContractTests extends PushStoreContract {

	@Override
	protected PushStore createStore() {
		return new InMemoryPushStore(3, Duration.ofMinutes(10),
				Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
	}

}
