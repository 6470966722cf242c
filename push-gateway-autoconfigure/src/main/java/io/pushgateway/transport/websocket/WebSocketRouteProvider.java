package io.pushgateway.transport.websocket;

import io.netty.handler.codec.http.HttpMethod;
import io.pushgateway.transport.GatewayRoutes;
import io.pushgateway.transport.RequestTargets;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * Adds the gateway's WebSocket endpoint to Boot's Reactor Netty server, ahead of the
 * WebFlux handler, the way Boot serves RSocket over WebSocket.
 *
 * @author Push Gateway team
 */
public final class WebSocketRouteProvider implements GatewayRoutes {

	private final String path;

	private final WebSocketHandshakeHandler handler;

	public WebSocketRouteProvider(String path, WebSocketHandshakeHandler handler) {
		this.path = path;
		this.handler = handler;
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		return routes.route((request) -> request.method() == HttpMethod.GET
				&& this.path.equals(RequestTargets.rawPath(request.uri())), this.handler);
	}

}
