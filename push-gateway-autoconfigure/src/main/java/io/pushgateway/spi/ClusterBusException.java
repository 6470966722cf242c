package io.pushgateway.spi;

/**
 * Signals that the cluster bus could not take a message: the transport is down or its
 * bounded buffer is full. Local delivery of the push has already happened when this is
 * raised.
 *
 * @author Push Gateway team
 */
public class ClusterBusException extends RuntimeException {

	public ClusterBusException(String message) {
		super(message);
	}

	public ClusterBusException(String message, Throwable cause) {
		super(message, cause);
	}

}
