package io.pushgateway.transport;

import reactor.netty.http.server.HttpServerRoutes;

/**
 * The gateway's HTTP endpoints (the WebSocket handshake, long-polling, the HTTP push API)
 * as Reactor Netty routes. Served either straight from Boot's Reactor Netty server, ahead
 * of WebFlux, or behind WebFlux's filters ({@link GatewayWebHandler}) when the
 * application has Spring Security.
 *
 * @author Push Gateway team
 */
@FunctionalInterface
public interface GatewayRoutes {

	/**
	 * Add this endpoint's routes.
	 * @param routes the routes so far
	 * @return the routes with this endpoint's
	 */
	HttpServerRoutes apply(HttpServerRoutes routes);

}
