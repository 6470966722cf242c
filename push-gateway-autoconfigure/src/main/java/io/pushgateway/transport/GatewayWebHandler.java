package io.pushgateway.transport;

import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import org.springframework.web.server.WebSession;

/**
 * Serves the gateway's endpoints behind WebFlux's {@code WebFilter}s, so that Spring
 * Security, CORS and forwarded headers apply to them as to any WebFlux endpoint. Once the
 * filters let a request through, the handler commits WebFlux's view of the response (its
 * headers, such as Spring Security's, are copied to the connection) and hands the Reactor
 * Netty request to the same routes that serve it without Spring Security, with the
 * authenticated principal in the Reactor context ({@link ExchangeIdentity}). This is how
 * Spring's own Reactor Netty WebSocket upgrade works; from the upgrade on, frames travel
 * on the connection's own fast path, never through WebFlux.
 *
 * @author Push Gateway team
 */
public final class GatewayWebHandler implements WebHandler {

	private final HttpServerRoutes routes;

	private final Predicate<Principal> authenticated;

	/**
	 * Create a handler.
	 * @param endpoints the gateway's endpoints
	 * @param authenticated whether a principal identifies someone (Spring Security's
	 * anonymous authentication does not)
	 */
	public GatewayWebHandler(List<GatewayRoutes> endpoints, Predicate<Principal> authenticated) {
		this.authenticated = authenticated;
		HttpServerRoutes routes = HttpServerRoutes.newRoutes();
		for (GatewayRoutes endpoint : endpoints) {
			routes = endpoint.apply(routes);
		}
		this.routes = routes;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		HttpServerRequest request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
		HttpServerResponse response = ServerHttpResponseDecorator.getNativeResponse(exchange.getResponse());
		// the session only when it exists (a handshake does not start one), and looked
		// up only by a handshake with a principal
		Mono<String> session = exchange.getSession().filter(WebSession::isStarted).map(WebSession::getId);
		return exchange.getPrincipal()
			.map((principal) -> this.authenticated.test(principal) ? Optional.of(principal)
					: Optional.<Principal>empty())
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> exchange.getResponse()
				.setComplete()
				.then(Mono.defer(() -> Mono.from(this.routes.apply(request, response))))
				.contextWrite(
						(context) -> context.put(ExchangeIdentity.class, new ExchangeIdentity(principal.orElse(null),
								exchange.getRequest().getRemoteAddress(), session))));
	}

}
