package io.pushgateway.transport.polling;

import java.net.InetSocketAddress;
import java.time.Duration;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.codec.Frames;
import io.pushgateway.hub.NodeLifecycle;
import io.pushgateway.hub.RecoveryCoordinator;
import io.pushgateway.hub.RelayEndpoint;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.transport.Admission;
import io.pushgateway.transport.ExchangeIdentity;
import io.pushgateway.transport.GatewayRoutes;
import io.pushgateway.transport.NettyHandshakeRequest;
import io.pushgateway.transport.RequestTargets;
import io.pushgateway.transport.TransportContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The HTTP long-polling transport, for clients that cannot open a WebSocket. A session is
 * an ordinary {@code PushConnection} on the node that opened it: same admission, socket
 * IDs, registry entries, limits and heartbeat timeout, so the rest of the system cannot
 * tell it from a WebSocket.
 *
 * <p>
 * No sticky sessions are needed. The session handle names the node that holds the
 * session; a poll, send or close that reaches another node is relayed to it over the
 * {@link ClusterBus}, and a poll's answer comes back the same way. See
 * {@code docs/protocol.md} for the endpoints and {@code docs/cluster.md} for the relay.
 *
 * @author Push Gateway team
 */
public final class PollingTransport implements GatewayRoutes, RelayEndpoint {

	private static final Log logger = LogFactory.getLog(PollingTransport.class);

	private static final String EXPOSED_HEADERS = "Push-Session, Push-Seq, Push-Close-Code, Push-Close-Reason";

	private final PollingSettings settings;

	private final Admission admission;

	private final NodeLifecycle lifecycle;

	/** Recovers each new session's user stream; {@code null} without recovery. */
	private final @Nullable RecoveryCoordinator recovery;

	private final PollingSessions sessions;

	private final PollingRequests requests;

	/**
	 * Create the transport.
	 * @param settings its settings
	 * @param context what every transport shares
	 * @param heartbeatTimeout how long a session may stay silent; a waiting poll answers
	 * well within it
	 */
	public PollingTransport(PollingSettings settings, TransportContext context, Duration heartbeatTimeout) {
		this.recovery = context.recovery();
		this.settings = settings;
		this.admission = context.admission();
		this.lifecycle = context.lifecycle();
		// a waiting poll is the session's heartbeat: it must return well within the
		// timeout, or the session would count as idle while the client waits
		long holdMillis = Math.max(1, Math.min(settings.hold().toMillis(), heartbeatTimeout.toMillis() / 2));
		this.sessions = new PollingSessions(settings, context, holdMillis);
		this.requests = new PollingRequests(settings, this.sessions, context, holdMillis);
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		return routes.route(RequestTargets.pathUnder(this.settings.path()), this::handle);
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		try {
			return route(request, response);
		}
		catch (IllegalArgumentException ex) {
			// a malformed percent-escape in the query string, say; the decoder's message
			// repeats the target, token and all
			return this.admission.reject(response, 400, "bad_request", RequestTargets.MALFORMED_QUERY);
		}
	}

	private Publisher<Void> route(HttpServerRequest request, HttpServerResponse response) {
		String path = RequestTargets.rawPath(request.uri()).substring(this.settings.path().length());
		HttpMethod method = request.method();
		Publisher<Void> answered = this.admission.crossOrigin(request, response, EXPOSED_HEADERS,
				"Authorization, Content-Type",
				() -> this.admission.reject(response, 403, "forbidden", "origin not allowed"));
		if (answered != null) {
			return answered;
		}
		response.header(HttpHeaderNames.CACHE_CONTROL, "no-store");
		if (method == HttpMethod.POST && path.equals("/open")) {
			return open(request, response);
		}
		if (method == HttpMethod.GET && path.isEmpty()) {
			return this.requests.poll(request, response);
		}
		if (method == HttpMethod.POST && path.equals("/send")) {
			return this.requests.send(request, response);
		}
		if (method == HttpMethod.POST && path.equals("/close")) {
			return this.requests.close(request, response);
		}
		return PollingResponses.text(response, 404, "no such long-polling endpoint");
	}

	private Publisher<Void> open(HttpServerRequest request, HttpServerResponse response) {
		// behind Spring Security the client's address is the one WebFlux computed
		return Mono.deferContextual((context) -> {
			try {
				return Mono.from(open(request, response, ExchangeIdentity.clientAddress(context, request)));
			}
			catch (IllegalArgumentException ex) {
				// a malformed percent-escape; the decoder's message repeats the target
				return Mono.from(this.admission.reject(response, 400, "bad_request", RequestTargets.MALFORMED_QUERY));
			}
		});
	}

	private Publisher<Void> open(HttpServerRequest request, HttpServerResponse response,
			@Nullable InetSocketAddress client) {
		if (!this.lifecycle.isAccepting()) {
			return this.admission.reject(response, 503, "unavailable", "node is shutting down");
		}
		Mono<Void> limited = this.admission.limit(client, response);
		if (limited != null) {
			return limited;
		}
		NettyHandshakeRequest handshake = new NettyHandshakeRequest(request);
		int codecIndex = this.admission.negotiate(handshake.queryParam("protocol"));
		if (codecIndex < 0) {
			return this.admission.reject(response, 400, "bad_request",
					"no supported protocol; ask for one of " + this.admission.subprotocols());
		}
		String since = handshake.queryParam("since");
		if (since != null && !Frames.isPosition(since)) {
			return this.admission.reject(response, 400, "bad_request", "query parameter 'since' is not a position");
		}
		Channel[] channel = new Channel[1];
		request.withConnection((connection) -> channel[0] = connection.channel());
		FrameCodec codec = this.admission.codecs().get(codecIndex);
		return this.admission.admit(handshake)
			.flatMap((admitted) -> admitted.readingUserStream(this.recovery, since))
			.flatMap((admitted) -> Mono.<Batch>create((sink) -> channel[0].eventLoop().execute(() -> {
				PollingConnection session = this.sessions.start(admitted, codec, channel[0], since,
						(client != null) ? client.getAddress() : null);
				response.header("Push-Session", this.sessions.handle(session));
				session.poll(0, sink::success);
			})))
			.flatMap((batch) -> PollingResponses.respond(response, batch, codec))
			.onErrorResume(HandshakeRejectedException.class, (ex) -> this.admission.reject(response, ex));
	}

	@Override
	public String channel() {
		return RelayedPolling.CHANNEL;
	}

	/**
	 * A long-polling relay addressed to this node arrived: a request relayed to this
	 * node, or the answer to a poll this node relayed.
	 * @param relay the relay
	 */
	@Override
	public void onRelay(ClusterMessage.Relay relay) {
		this.requests.onRelay(relay);
	}

	/**
	 * The number of sessions this node remembers, including recently closed ones.
	 * @return the count
	 */
	public int sessionCount() {
		return this.sessions.count();
	}

}
