package io.pushgateway.spi;

import java.time.Duration;

import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PresenceListener;

/**
 * Whether a {@link SessionRegistry} reports presence transitions, how long a subject may
 * stay without a connection before its loss is reported, and where the transitions go.
 *
 * @param enabled whether transitions are tracked at all (tracking costs a few registry
 * writes per connection)
 * @param gracePeriod how long a user, GUID or membership may stay without a connection
 * before its loss is reported; a connection that comes back within it makes the loss and
 * the return invisible. Zero reports losses at once
 * @param sink where the registry hands each transition, once cluster-wide; must not block
 * @author Push Gateway team
 */
public record PresenceTracking(boolean enabled, Duration gracePeriod, PresenceListener sink) {

	/** No tracking. */
	public static final PresenceTracking OFF = new PresenceTracking(false, Duration.ZERO, (event) -> {
	});

	/**
	 * Tracking on.
	 * @param gracePeriod the grace period before a loss is reported
	 * @param sink where transitions go
	 * @return the settings
	 */
	public static PresenceTracking of(Duration gracePeriod, PresenceListener sink) {
		return new PresenceTracking(true, gracePeriod, sink);
	}

	/**
	 * Hand a transition to the sink when tracking is on.
	 * @param event the transition
	 */
	public void emit(PresenceEvent event) {
		if (this.enabled) {
			this.sink.onPresence(event);
		}
	}

}
