package io.pushgateway.hub;

import java.util.Map;

import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PresenceListener;
import io.pushgateway.core.PushOperations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells a GUID's members who joined and left it: a push of {@code presence.join} or
 * {@code presence.leave} with {@code {"uid": ..., "guid": ...}} to the GUID, once per
 * user transition cluster-wide (the user's first connection attached, the last one
 * detached after the grace period). The joining user's own connections receive the join
 * too; a client that does not care ignores the event.
 *
 * @author Push Gateway team
 */
public final class GuidPresenceFrames implements PresenceListener {

	private static final Log logger = LogFactory.getLog(GuidPresenceFrames.class);

	private final PushOperations push;

	public GuidPresenceFrames(PushOperations push) {
		this.push = push;
	}

	@Override
	public void onPresence(PresenceEvent event) {
		if (event.guid() == null || event.uid() == null) {
			return;
		}
		this.push.pushToGuid(event.guid(), event.type().eventName(), Map.of("uid", event.uid(), "guid", event.guid()))
			.subscribe(null, (error) -> logger.debug("Presence frame for " + event + " not pushed: " + error));
	}

}
