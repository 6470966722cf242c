package io.pushgateway.test.contract;

import java.time.Clock;

import io.pushgateway.core.PresenceOperations;
import io.pushgateway.registry.InMemoryPresence;
import io.pushgateway.registry.InMemorySessionRegistry;
import io.pushgateway.spi.LocalSessions;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.SessionRegistry;

/**
 * The session registry contract on a single node: presence answered from the node's own
 * sessions.
 *
 * @author Push Gateway team
 */
class InMemorySessionRegistryContractTests extends SessionRegistryContract {

	@Override
	protected SessionRegistry createRegistry(LocalSessions sessions, String nodeId, PresenceTracking tracking) {
		return new InMemorySessionRegistry(tracking, Clock.systemUTC());
	}

	@Override
	protected PresenceOperations createPresence(LocalSessions sessions, String nodeId) {
		return new InMemoryPresence(sessions, nodeId);
	}

}
