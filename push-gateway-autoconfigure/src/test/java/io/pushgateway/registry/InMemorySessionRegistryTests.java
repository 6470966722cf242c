package io.pushgateway.registry;

import java.time.Clock;

import io.pushgateway.hub.LocalHub;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.SessionRegistry;

/**
 * The session registry contract on a single node, answered from its hub.
 *
 * @author Push Gateway team
 */
class InMemorySessionRegistryTests extends SessionRegistryContractTests {

	@Override
	protected SessionRegistry createRegistry(LocalHub hub, String nodeId, PresenceTracking tracking) {
		return new InMemorySessionRegistry(hub, nodeId, tracking, Clock.systemUTC());
	}

}
