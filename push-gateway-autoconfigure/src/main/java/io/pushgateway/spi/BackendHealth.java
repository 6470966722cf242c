package io.pushgateway.spi;

import java.util.Map;

/**
 * What a backend ({@link ClusterBus}, {@link SessionRegistry}, {@link PushStore}) knows
 * about its own health, reported by the gateway's health indicators. Every backend SPI
 * reports it the same way, so the indicators need no implementation class.
 *
 * @param up whether the backend works
 * @param details what an operator needs to see, such as connected brokers and lag
 * @author Push Gateway team
 */
public record BackendHealth(boolean up, Map<String, Object> details) {

	/** A backend with nothing to report, such as the embedded single-node ones. */
	public static final BackendHealth UP = new BackendHealth(true, Map.of());

	public BackendHealth {
		details = Map.copyOf(details);
	}

}
