package io.pushgateway.test.contract;

import io.pushgateway.cluster.LocalClusterBus;
import io.pushgateway.spi.ClusterBus;

/**
 * The cluster bus contract for the embedded single-node bus: it reaches no other node, so
 * it passes the tests every bus passes (publishing completes, it is ready and healthy,
 * nothing comes back to the publisher, its stream never ends) and skips the delivery
 * tests.
 *
 * @author Push Gateway team
 */
class LocalClusterBusContractTests extends ClusterBusContract {

	@Override
	protected ClusterBus createBus(String nodeId) {
		return new LocalClusterBus();
	}

}
