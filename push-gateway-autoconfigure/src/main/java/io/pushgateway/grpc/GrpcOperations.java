package io.pushgateway.grpc;

import io.pushgateway.core.BanOperations;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;

/**
 * What the gRPC service's calls are handed to.
 *
 * @param push pushes and disconnects
 * @param presence presence queries
 * @param bans bans and revocations
 * @author Push Gateway team
 */
public record GrpcOperations(PushOperations push, PresenceOperations presence, BanOperations bans) {

}
