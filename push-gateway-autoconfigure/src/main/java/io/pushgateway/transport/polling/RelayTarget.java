package io.pushgateway.transport.polling;

import java.util.function.Consumer;

/**
 * A session a relayed request acts on, on the node that holds it: what
 * {@link PollingRelay} needs of a long-polling session, a Server-Sent Events stream or an
 * Engine.IO session.
 *
 * @author Push Gateway team
 */
public interface RelayTarget {

	/**
	 * Answer a poll; transports without polls answer {@code 404}.
	 * @param ack the last batch the client received (long-polling only)
	 * @param answer receives the answer, exactly once
	 */
	void poll(long ack, Consumer<Batch> answer);

	/**
	 * Take a request body the client sent.
	 * @param body the body
	 */
	void send(byte[] body);

	/**
	 * End the session, as the client asked.
	 */
	void close();

}
