package io.pushgateway.spi;

import java.util.Map;

/**
 * What a {@link ClusterBus} knows about its own health, reported by the gateway's health
 * indicator.
 *
 * @param up whether the bus can publish and receive
 * @param details what an operator needs to see, such as connected brokers and lag
 * @author Push Gateway team
 */
public record BusHealth(boolean up, Map<String, Object> details) {

	/** A bus with nothing to report, such as the embedded single-node bus. */
	public static final BusHealth UP = new BusHealth(true, Map.of());

	public BusHealth {
		details = Map.copyOf(details);
	}

}
