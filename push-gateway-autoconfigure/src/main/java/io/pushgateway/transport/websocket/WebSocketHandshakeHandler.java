package io.pushgateway.transport.websocket;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.ExchangeIdentity;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.util.context.Context;

/**
 * Serves the WebSocket endpoint on Reactor Netty's HTTP server path: behind WebFlux's
 * filters (Spring Security), and wherever {@link NettyWebSocketUpgrades} does not take
 * the upgrade. Every check happens before the upgrade ({@link WebSocketEndpoint}), so a
 * rejected client gets an HTTP status and never an open socket.
 *
 * @author Push Gateway team
 */
public final class WebSocketHandshakeHandler
		implements BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> {

	private static final Log logger = LogFactory.getLog(WebSocketHandshakeHandler.class);

	/**
	 * Reactor's context key for a subscriber-local dropped-error hook. A client that goes
	 * away without a close frame makes Reactor Netty report the aborted inbound after the
	 * connection's pipeline already ended, which Reactor would log at ERROR with a stack
	 * trace, once per connection: thousands of lines when a node's clients all drop at
	 * once. It is an ordinary disconnect, so this connection's chain logs it at DEBUG.
	 */
	private static final Context DROPPED_ERRORS = Context.of("reactor.onErrorDropped.local",
			(Consumer<Throwable>) (error) -> {
				if (logger.isDebugEnabled()) {
					logger.debug("Error after the connection ended: " + error);
				}
			});

	private final WebSocketEndpoint endpoint;

	private final List<WebsocketServerSpec> specs;

	/**
	 * The spec for a client that offers no subprotocol. Reactor Netty never runs the
	 * handler of an upgrade whose spec names protocols when the client selected none (it
	 * answers 101 and then leaves the socket open and unserved), so such a client, which
	 * speaks the default codec, gets a spec without protocols.
	 */
	private final WebsocketServerSpec unnamedSpec;

	public WebSocketHandshakeHandler(WebSocketEndpoint endpoint) {
		this.endpoint = endpoint;
		WebSocketSettings settings = endpoint.settings();
		this.specs = endpoint.admission()
			.codecs()
			.stream()
			.map((codec) -> spec(settings, codec.subprotocol()))
			.toList();
		this.unnamedSpec = spec(settings, null);
	}

	private static WebsocketServerSpec spec(WebSocketSettings settings, @Nullable String subprotocol) {
		WebsocketServerSpec.Builder builder = WebsocketServerSpec.builder()
			// Netty's decoder answers a frame above its limit by closing the socket at
			// once, which can reset the connection before the client reads the 1009;
			// frames up to twice the limit are read and refused here, gracefully
			.maxFramePayloadLength(NettyWebSocketUpgrades.maxFramePayloadLength(settings))
			.handlePing(true);
		if (subprotocol != null) {
			builder.protocols(subprotocol);
		}
		return builder.build();
	}

	@Override
	public Publisher<Void> apply(HttpServerRequest request, HttpServerResponse response) {
		// behind Spring Security the client's address is the one WebFlux computed
		return Mono.deferContextual(
				(context) -> Mono.from(handshake(request, response, ExchangeIdentity.clientAddress(context, request))));
	}

	private Publisher<Void> handshake(HttpServerRequest request, HttpServerResponse response,
			@Nullable InetSocketAddress client) {
		WebSocketEndpoint.Checked checked = this.endpoint.check(request.uri(), request.requestHeaders(), client);
		WebSocketEndpoint.Refusal refusal = checked.refusal();
		if (refusal != null) {
			if (refusal.status() == 426) {
				response.header(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
			}
			return response.status(refusal.status())
				.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
				.sendString(Mono.just(refusal.reason() + "\n"))
				.then();
		}
		Admission admission = this.endpoint.admission();
		return this.endpoint.admit(checked).flatMap((admitted) -> response.sendWebsocket((in, out) -> {
			// Reactor Netty keeps the upgrade request and response for the life of
			// the socket; their headers (the token among them) are not needed after
			// the handshake and are a large share of an idle connection's heap
			request.requestHeaders().clear();
			response.responseHeaders().clear();
			return connect(in, admitted, checked, (client != null) ? client : null);
		}, checked.unnamed() ? this.unnamedSpec : this.specs.get(checked.codecIndex())))
			.onErrorResume(HandshakeRejectedException.class, (ex) -> admission.reject(response, ex));
	}

	private Publisher<Void> connect(WebsocketInbound in, Admission.Admitted admitted, WebSocketEndpoint.Checked checked,
			@Nullable InetSocketAddress client) {
		Channel[] channel = new Channel[1];
		in.withConnection((connection) -> channel[0] = connection.channel());
		WebSocketConnection connection = this.endpoint.open(channel[0], admitted, checked.codecIndex(), checked.since(),
				(client != null) ? client.getAddress() : null);
		return in.aggregateFrames(this.endpoint.settings().maxFrameSize())
			.receiveFrames()
			.doOnNext((frame) -> this.endpoint.onFrame(connection, frame))
			.onErrorResume((error) -> {
				this.endpoint.onInboundError(connection, error);
				return Mono.empty();
			})
			.then()
			.doFinally((signal) -> this.endpoint.ended(connection))
			.contextWrite(DROPPED_ERRORS);
	}

}
