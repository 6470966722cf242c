/**
 * The gRPC API for business services: pushes, presence queries and a stream of client
 * messages, on grpc-java's server. Its messages and stubs are generated into
 * {@code io.pushgateway.grpc.v1} from
 * {@code src/main/protobuf/pushgateway/v1/push_gateway.proto}.
 */
@NullMarked
package io.pushgateway.grpc;

import org.jspecify.annotations.NullMarked;
