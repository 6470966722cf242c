package io.pushgateway.grpc;

import java.util.List;

import io.pushgateway.core.PushTarget;
import io.pushgateway.grpc.v1.DisconnectRequest;
import io.pushgateway.grpc.v1.PushRequest;

/**
 * The targets of the API's requests, from their {@code target} oneof; an invalid one is
 * an {@link IllegalArgumentException}, answered with {@code INVALID_ARGUMENT}.
 *
 * @author Push Gateway team
 */
final class GrpcTargets {

	private GrpcTargets() {
	}

	static PushTarget of(PushRequest request) {
		return switch (request.getTargetCase()) {
			case USER -> PushTarget.user(nonEmpty(request.getUser(), "user"));
			case USERS -> {
				List<String> uids = request.getUsers().getUidsList();
				if (uids.isEmpty()) {
					throw new IllegalArgumentException("users must name at least one user");
				}
				yield PushTarget.users(uids);
			}
			case GUID -> PushTarget.guid(nonEmpty(request.getGuid(), "guid"));
			case SOCKET_ID -> PushTarget.socket(socketId(request.getSocketId()));
			case ALL -> {
				if (!request.getAll()) {
					throw new IllegalArgumentException("all must be true to push to every connection");
				}
				yield PushTarget.all();
			}
			default -> throw new IllegalArgumentException("a target is required: user, users, guid, socket_id or all");
		};
	}

	static String nonEmpty(String value, String name) {
		if (value.isEmpty()) {
			throw new IllegalArgumentException(name + " must not be empty");
		}
		return value;
	}

	static long socketId(String value) {
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("socket ID must be a decimal 64-bit number");
		}
	}

	static PushTarget of(DisconnectRequest request) {
		return switch (request.getTargetCase()) {
			case USER -> PushTarget.user(nonEmpty(request.getUser(), "user"));
			case USERS -> {
				List<String> uids = request.getUsers().getUidsList();
				if (uids.isEmpty()) {
					throw new IllegalArgumentException("users must name at least one user");
				}
				yield PushTarget.users(uids);
			}
			case GUID -> PushTarget.guid(nonEmpty(request.getGuid(), "guid"));
			case SOCKET_ID -> PushTarget.socket(socketId(request.getSocketId()));
			case ALL -> {
				if (!request.getAll()) {
					throw new IllegalArgumentException("all must be true to disconnect every connection");
				}
				yield PushTarget.all();
			}
			default -> throw new IllegalArgumentException("a target is required: user, users, guid, socket_id or all");
		};
	}

}
