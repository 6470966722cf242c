package io.pushgateway.hub;

import java.util.ArrayList;
import java.util.List;

import io.pushgateway.spi.UpstreamHandler;

/**
 * An {@link UpstreamHandler} of the gateway's own (the gRPC subscriptions, the Kafka
 * upstream): consulted after every handler of the application, whatever their order
 * values, so an application's handler for an event always wins over a subscription or a
 * topic that also matches it. Among themselves they follow their order.
 *
 * @author Push Gateway team
 */
public interface GatewayUpstream extends UpstreamHandler {

	/**
	 * The handlers in the order a client message tries them: the application's first, in
	 * their order, then the gateway's own, in theirs.
	 * @param ordered every handler, in order
	 * @return the same handlers, the application's first
	 */
	static List<UpstreamHandler> applicationsFirst(List<UpstreamHandler> ordered) {
		List<UpstreamHandler> all = new ArrayList<>(ordered.size());
		ordered.stream().filter((handler) -> !(handler instanceof GatewayUpstream)).forEach(all::add);
		ordered.stream().filter((handler) -> handler instanceof GatewayUpstream).forEach(all::add);
		return all;
	}

}
