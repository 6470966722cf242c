package io.pushgateway.grpc;

import java.util.List;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.pushgateway.core.ConnectionInfo;
import io.pushgateway.core.ConnectionPage;
import io.pushgateway.core.PushTarget;
import io.pushgateway.grpc.v1.Connection;
import io.pushgateway.grpc.v1.DisconnectRequest;
import io.pushgateway.grpc.v1.ListConnectionsReply;
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
		return of(request.getTargetCase().name(), request::getUser, () -> request.getUsers().getUidsList(),
				request::getGuid, request::getSocketId, request::getAll, "push to");
	}

	static PushTarget of(DisconnectRequest request) {
		return of(request.getTargetCase().name(), request::getUser, () -> request.getUsers().getUidsList(),
				request::getGuid, request::getSocketId, request::getAll, "disconnect");
	}

	/*
	 * The requests' target oneofs have the same cases (USER, USERS, GUID, SOCKET_ID, ALL)
	 * in enums of their own: read by the case's name and the fields' getters.
	 */
	private static PushTarget of(String targetCase, Supplier<String> user, Supplier<List<String>> users,
			Supplier<String> guid, Supplier<String> socketId, BooleanSupplier all, String verb) {
		return switch (targetCase) {
			case "USER" -> PushTarget.user(nonEmpty(user.get(), "user"));
			case "USERS" -> {
				List<String> uids = users.get();
				if (uids.isEmpty()) {
					throw new IllegalArgumentException("users must name at least one user");
				}
				yield PushTarget.users(uids);
			}
			case "GUID" -> PushTarget.guid(nonEmpty(guid.get(), "guid"));
			case "SOCKET_ID" -> PushTarget.socket(socketId(socketId.get()));
			case "ALL" -> {
				if (!all.getAsBoolean()) {
					throw new IllegalArgumentException("all must be true to " + verb + " every connection");
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

	/*
	 * A page of connections as the API answers it: a socket ID as a decimal string, as
	 * everywhere; an empty next on the last page.
	 */
	static ListConnectionsReply page(ConnectionPage page) {
		ListConnectionsReply.Builder builder = ListConnectionsReply.newBuilder();
		for (ConnectionInfo info : page.connections()) {
			String address = info.clientAddress();
			builder.addConnections(Connection.newBuilder()
				.setSocketId(Long.toString(info.socketId()))
				.setUid(info.uid())
				.setNode(info.node())
				.setTransport(info.transport())
				.setProtocol(info.protocol())
				.setOpenedAtMs(info.openedAt().toEpochMilli())
				.setLastSeenMs(info.lastSeen().toEpochMilli())
				.addAllGuids(new TreeSet<>(info.guids()))
				.setClientAddress((address != null) ? address : ""));
		}
		String next = page.next();
		return builder.setNext((next != null) ? next : "").build();
	}

}
