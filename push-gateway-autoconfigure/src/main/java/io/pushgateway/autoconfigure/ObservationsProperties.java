package io.pushgateway.autoconfigure;

/**
 * Settings of the gateway's Micrometer Observations, under
 * {@code push.gateway.observations}.
 *
 * @author Push Gateway team
 */
public class ObservationsProperties {

	/**
	 * Whether the gateway observes pushes, bus trips, client messages, HTTP API requests
	 * and handshakes when the application has an ObservationRegistry.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
