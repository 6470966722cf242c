package io.pushgateway.transport.socketio;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Engine.IO's error answers to HTTP requests: a status and a JSON body with Engine.IO's
 * error code and message, as {@code engine.io} sends them.
 *
 * @author Push Gateway team
 */
final class EngineIoErrors {

	/** A request for a session this node does not know (or no longer). */
	static final String UNKNOWN_SID = "{\"code\":1,\"message\":\"Session ID unknown\"}";

	/** A request Engine.IO does not take at this point of the session. */
	static final String BAD_REQUEST = "{\"code\":3,\"message\":\"Bad request\"}";

	/** A method Engine.IO does not take. */
	static final String BAD_METHOD = "{\"code\":2,\"message\":\"Bad handshake method\"}";

	/** A transport other than long-polling and WebSocket. */
	static final String UNKNOWN_TRANSPORT = "{\"code\":0,\"message\":\"Transport unknown\"}";

	/** A client of another protocol than Engine.IO 4. */
	static final String UNSUPPORTED_PROTOCOL = "{\"code\":5,\"message\":\"Unsupported protocol version\"}";

	/** A request from an origin the gateway does not allow. */
	static final String FORBIDDEN = "{\"code\":4,\"message\":\"Forbidden\"}";

	/** A post another node could not relay to the node that holds the session. */
	static final String NODE_UNREACHABLE = "{\"code\":3,\"message\":\"Session node unreachable\"}";

	private EngineIoErrors() {
	}

	/**
	 * Answer a request with an error.
	 * @param response the response
	 * @param status the HTTP status
	 * @param json the body
	 * @return the completion of the response
	 */
	static Mono<Void> send(HttpServerResponse response, int status, String json) {
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendString(Mono.just(json))
			.then();
	}

}
