package io.pushgateway.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pushgateway.core.NodeOverloadedException;
import io.pushgateway.core.PushInProgressException;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.spi.ClusterBusException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The HTTP API's errors as gRPC status codes: a refused push (bad event name, payload too
 * large or not one JSON value, an ack timeout out of bounds) is {@code INVALID_ARGUMENT}
 * (HTTP 400); an overloaded node, a cluster bus that refused the push, or an unreachable
 * registry is {@code UNAVAILABLE} (HTTP 503); anything else {@code INTERNAL}.
 * Descriptions are the gateway's own reasons or fixed texts: what a library says about a
 * failure (Kafka's, Redis's, a class name) goes to the log only.
 *
 * @author Push Gateway team
 */
final class GrpcStatuses {

	private static final Log logger = LogFactory.getLog(GrpcStatuses.class);

	private GrpcStatuses() {
	}

	static StatusRuntimeException of(Throwable error) {
		if (error instanceof StatusRuntimeException status) {
			return status;
		}
		// an overloaded node is a refused push too, but one to retry later
		if (error instanceof NodeOverloadedException) {
			return Status.UNAVAILABLE.withDescription(error.getMessage()).asRuntimeException();
		}
		if (error instanceof PushInProgressException) {
			return Status.ABORTED.withDescription(error.getMessage()).asRuntimeException();
		}
		if (error instanceof PushRejectedException || error instanceof IllegalArgumentException) {
			return Status.INVALID_ARGUMENT.withDescription(error.getMessage()).asRuntimeException();
		}
		if (error instanceof ClusterBusException) {
			if (logger.isDebugEnabled()) {
				logger.debug("Push delivered on this node only: " + error);
			}
			return Status.UNAVAILABLE.withDescription("delivered on this node only; the cluster bus refused the push")
				.asRuntimeException();
		}
		logger.warn("gRPC call failed", error);
		return Status.INTERNAL.withDescription("internal error").asRuntimeException();
	}

	static StatusRuntimeException registry(Throwable error) {
		if (error instanceof StatusRuntimeException status) {
			return status;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Presence query failed: " + error);
		}
		return Status.UNAVAILABLE.withDescription("session registry unavailable").asRuntimeException();
	}

	static StatusRuntimeException unavailable(Throwable error) {
		if (logger.isDebugEnabled()) {
			logger.debug("Ban store failed: " + error);
		}
		return Status.UNAVAILABLE.withDescription("the ban store failed; retry").asRuntimeException();
	}

}
