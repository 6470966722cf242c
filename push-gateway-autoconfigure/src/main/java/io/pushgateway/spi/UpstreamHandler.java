package io.pushgateway.spi;

import java.util.function.Function;

import io.pushgateway.core.Payload;
import reactor.core.publisher.Mono;

/**
 * Application code that receives client messages. The first handler bean (in bean order)
 * that supports a message's event handles it; a non-empty result is sent back to the
 * sending socket as a {@code reply} correlated by the message ID. Runs on an event loop:
 * offload blocking work with {@code subscribeOn} or {@code publishOn}.
 *
 * @author Push Gateway team
 */
@FunctionalInterface
public interface UpstreamHandler {

	/**
	 * Handle a message.
	 * @param message the message
	 * @return the reply payload, or empty for no reply
	 */
	Mono<Payload> handle(UpstreamMessage message);

	/**
	 * Whether this handler handles an event.
	 * @param event the event name
	 * @return {@code true} by default
	 */
	default boolean supports(String event) {
		return true;
	}

	/**
	 * A handler for one event name.
	 * @param event the event name
	 * @param handler the handling function
	 * @return the handler
	 */
	static UpstreamHandler forEvent(String event, Function<UpstreamMessage, Mono<Payload>> handler) {
		return new UpstreamHandler() {

			@Override
			public Mono<Payload> handle(UpstreamMessage message) {
				return handler.apply(message);
			}

			@Override
			public boolean supports(String candidate) {
				return event.equals(candidate);
			}

		};
	}

}
