package io.pushgateway.grpc;

import java.io.IOException;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.spi.ClusterBusException;
import io.pushgateway.support.ErrorReasons;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Errors as gRPC statuses: the gateway's own reasons pass, what a library or the JVM says
 * about a failure does not reach the caller.
 *
 * @author Push Gateway team
 */
class GrpcStatusesTests {

	@Test
	void refusedPushesKeepTheirReason() {
		StatusRuntimeException status = GrpcStatuses.of(new PushRejectedException("payload is not valid JSON"));
		assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status.getStatus().getDescription()).isEqualTo("payload is not valid JSON");
	}

	@Test
	void failuresOfLibrariesAndDefectsHaveFixedDescriptions() {
		StatusRuntimeException bus = GrpcStatuses.of(new ClusterBusException(
				"Kafka did not take the record: org.apache.kafka.common.errors.TimeoutException: Topic not present"));
		assertThat(bus.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(bus.getStatus().getDescription())
			.isEqualTo("delivered on this node only; the cluster bus refused the push");
		StatusRuntimeException defect = GrpcStatuses.of(new IllegalStateException("java.lang.NullPointerException"));
		assertThat(defect.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
		assertThat(defect.getStatus().getDescription()).isEqualTo("internal error");
		StatusRuntimeException registry = GrpcStatuses
			.registry(new IOException("io.lettuce.core.RedisConnectionException: Unable to connect to 10.0.0.7:6379"));
		assertThat(registry.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(registry.getStatus().getDescription()).isEqualTo("session registry unavailable");
		for (StatusRuntimeException status : new StatusRuntimeException[] { bus, defect, registry }) {
			ErrorReasons.assertNamesNoInternals(status.getStatus().getDescription());
		}
	}

}
