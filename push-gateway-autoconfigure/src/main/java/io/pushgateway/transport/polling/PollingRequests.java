package io.pushgateway.transport.polling;

import java.util.function.Consumer;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.pushgateway.hub.ClientFrameHandler;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import io.pushgateway.transport.RequestTargets;
import io.pushgateway.transport.TransportContext;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The requests of an open long-polling session: polls ({@code GET}), sends and closes.
 * Each is answered by the session when this node holds it, or relayed to the node that
 * does over the cluster bus ({@link PollingRelay}), which hands the other nodes' requests
 * here as a {@link RelayTarget}, so no sticky sessions are needed.
 *
 * @author Push Gateway team
 */
final class PollingRequests {

	private final PollingSettings settings;

	private final PollingSessions sessions;

	private final ClientFrameHandler frameHandler;

	private final ClusterBus bus;

	private final GatewayMetrics metrics;

	private final String nodeId;

	/** Carries requests for sessions held by other nodes, and answers theirs. */
	private final PollingRelay relay;

	private final PostedFrames sends;

	/**
	 * The long-polling requests of a node.
	 * @param settings the endpoint's settings
	 * @param sessions the node's sessions
	 * @param context what every transport shares
	 * @param holdMillis how long a poll waits for frames
	 */
	PollingRequests(PollingSettings settings, PollingSessions sessions, TransportContext context, long holdMillis) {
		this.settings = settings;
		this.sessions = sessions;
		this.frameHandler = context.frames();
		this.bus = context.bus();
		this.metrics = context.metrics();
		this.nodeId = context.nodeId();
		this.relay = new PollingRelay(RelayedPolling.CHANNEL, settings.relayTimeout(), settings.maxRelayedPolls(),
				this.bus, context.ids(), this.nodeId, holdMillis, (handle) -> {
					PollingConnection session = sessions.find(handle);
					return (session != null) ? target(session) : null;
				});
		this.sends = new PostedFrames(settings.maxFrameSize(), this.frameHandler, this.relay, this::isLocal,
				sessions::find);
	}

	/**
	 * A poll: answered by the session, or relayed to the node that holds it.
	 * @param request the request
	 * @param response the response
	 * @return the completion of the response
	 */
	Publisher<Void> poll(HttpServerRequest request, HttpServerResponse response) {
		QueryStringDecoder query = new QueryStringDecoder(request.uri());
		PollingHandle handle = PollingHandle.parse(RequestTargets.parameter(query, "session"));
		if (handle == null) {
			return PollingResponses.text(response, 400, "query parameter 'session' is missing or malformed");
		}
		long ack;
		try {
			ack = Long.parseLong(String.valueOf(RequestTargets.parameter(query, "ack")));
		}
		catch (NumberFormatException ex) {
			return PollingResponses.text(response, 400, "query parameter 'ack' is missing or not a number");
		}
		if (!isLocal(handle)) {
			return this.relay.poll(handle, ack).flatMap((batch) -> PollingResponses.respond(response, batch, null));
		}
		PollingConnection session = this.sessions.find(handle);
		if (session == null) {
			return PollingResponses.text(response, 404, "unknown session");
		}
		return Mono.<Batch>create((sink) -> session.poll(ack, sink::success))
			.flatMap((batch) -> PollingResponses.respond(response, batch, session.codec()));
	}

	/**
	 * A send of a frame: read up to the frame bound, then handed to the session, or
	 * relayed to the node that holds it.
	 * @param request the request
	 * @param response the response
	 * @return the completion of the response
	 */
	Publisher<Void> send(HttpServerRequest request, HttpServerResponse response) {
		return this.sends.send(request, response);
	}

	/**
	 * A close: the session ends, here or on the node that holds it.
	 * @param request the request
	 * @param response the response
	 * @return the completion of the response
	 */
	Publisher<Void> close(HttpServerRequest request, HttpServerResponse response) {
		PollingHandle handle = PostedFrames.handle(request);
		if (handle == null) {
			return PollingResponses.text(response, 400, "query parameter 'session' is missing or malformed");
		}
		if (!isLocal(handle)) {
			return this.relay.forward(handle, RelayedPolling.Op.CLOSE, new byte[0], response);
		}
		PollingConnection session = this.sessions.find(handle);
		if (session == null) {
			return PollingResponses.text(response, 404, "unknown session");
		}
		closeByClient(session);
		return response.status(204).send();
	}

	/**
	 * A relay addressed to this node: a request relayed to it, or the answer to a poll it
	 * relayed.
	 * @param relay the relay
	 */
	void onRelay(ClusterMessage.Relay relay) {
		this.relay.onRelay(relay);
	}

	/* A session of this node, as the relay acts on it. */
	private RelayTarget target(PollingConnection session) {
		return new RelayTarget() {

			@Override
			public void poll(long ack, Consumer<Batch> answer) {
				session.poll(ack, answer);
			}

			@Override
			public void send(byte[] body) {
				session.eventLoop()
					.execute(() -> PollingRequests.this.frameHandler.onFrame(session, body, session.codec().binary()));
			}

			@Override
			public void close() {
				closeByClient(session);
			}

		};
	}

	private void closeByClient(PushConnection session) {
		this.metrics.closed(CloseReason.CLIENT);
		session.close(CloseCodes.NORMAL, "closed by client");
	}

	private boolean isLocal(PollingHandle handle) {
		return handle.node().equals(this.nodeId) || !this.bus.reachesOtherNodes();
	}

}
