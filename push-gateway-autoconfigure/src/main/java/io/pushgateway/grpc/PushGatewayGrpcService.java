package io.pushgateway.grpc;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.pushgateway.core.AckResult;
import io.pushgateway.core.BanOperations;
import io.pushgateway.core.ConnectionPage;
import io.pushgateway.core.DisconnectCodes;
import io.pushgateway.core.Payload;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushTarget;
import io.pushgateway.grpc.v1.BanAck;
import io.pushgateway.grpc.v1.BanRequest;
import io.pushgateway.grpc.v1.ClientMessage;
import io.pushgateway.grpc.v1.DisconnectAck;
import io.pushgateway.grpc.v1.DisconnectRequest;
import io.pushgateway.grpc.v1.GuidPresence;
import io.pushgateway.grpc.v1.GuidPresenceRequest;
import io.pushgateway.grpc.v1.ListConnectionsReply;
import io.pushgateway.grpc.v1.ListConnectionsRequest;
import io.pushgateway.grpc.v1.PushGatewayGrpc;
import io.pushgateway.grpc.v1.PushReply;
import io.pushgateway.grpc.v1.PushRequest;
import io.pushgateway.grpc.v1.ReplyAck;
import io.pushgateway.grpc.v1.ReplyRequest;
import io.pushgateway.grpc.v1.RevokeAck;
import io.pushgateway.grpc.v1.RevokeRequest;
import io.pushgateway.grpc.v1.SocketPresence;
import io.pushgateway.grpc.v1.Stats;
import io.pushgateway.grpc.v1.StatsRequest;
import io.pushgateway.grpc.v1.SubscribeRequest;
import io.pushgateway.grpc.v1.UserPresence;
import io.pushgateway.grpc.v1.UserPresenceRequest;
import io.pushgateway.spi.ClusterBusException;
import reactor.core.publisher.Mono;

/**
 * The {@code pushgateway.v1.PushGateway} service: every call is handed to
 * {@link PushOperations} and {@link PresenceOperations} as the HTTP API's requests are,
 * with the same rules and the same errors as status codes ({@link GrpcStatuses}). Nothing
 * here blocks: answers are sent from the push's or the registry's callbacks.
 *
 * @author Push Gateway team
 */
final class PushGatewayGrpcService extends PushGatewayGrpc.PushGatewayImplBase {

	private final PushOperations push;

	private final PresenceOperations presence;

	private final BanOperations bans;

	private final GrpcSubscriptions subscriptions;

	private final BooleanSupplier saturated;

	PushGatewayGrpcService(GrpcOperations operations, GrpcSubscriptions subscriptions, BooleanSupplier saturated) {
		this.saturated = saturated;
		this.push = operations.push();
		this.presence = operations.presence();
		this.bans = operations.bans();
		this.subscriptions = subscriptions;
	}

	@Override
	public void push(PushRequest request, StreamObserver<PushReply> response) {
		if (this.saturated.getAsBoolean()) {
			// gRPC calls do not wait on the event loops as HTTP requests do: refuse here,
			// before the loops would refuse deliveries of a push already accepted
			response.onError(Status.UNAVAILABLE
				.withDescription("node busy: its event loops are behind on deliveries; retry later")
				.asRuntimeException());
			return;
		}
		Mono<PushReply> reply;
		try {
			PushTarget target = GrpcTargets.of(request);
			Payload payload = GrpcPayloads.payload(request.getPayload().toByteArray(), request.getFormatValue());
			// uint32 on the wire: a Java int holds values of 2^31 and above as negative
			// numbers, which must reach the ack timeout's bounds as what they are
			long ackTimeoutMs = Integer.toUnsignedLong(request.getAckTimeoutMs());
			if (request.getRecoverable() && (ackTimeoutMs > 0 || request.getFallback())) {
				// as the HTTP API: none of the three would be silently dropped
				throw new PushRejectedException("'recoverable' cannot be combined with 'ack_timeout_ms' or 'fallback'");
			}
			PushOperations operations = request.getIdempotencyKey().isEmpty() ? this.push
					: this.push.once(request.getIdempotencyKey());
			if (ackTimeoutMs > 0) {
				Duration timeout = Duration.ofMillis(ackTimeoutMs);
				Mono<AckResult> acked = request.getFallback()
						? operations.pushWithAckAndFallback(target, request.getEvent(), payload, timeout)
						: operations.pushWithAck(target, request.getEvent(), payload, timeout);
				reply = acked.map((result) -> PushReply.newBuilder()
					.setMessageId(result.messageId())
					.setLocalDeliveries(result.localDeliveries())
					.addAllAcknowledged(result.acknowledged().stream().map(String::valueOf).toList())
					.build());
			}
			else {
				Mono<PushResult> pushed = request.getRecoverable()
						? operations.pushRecoverable(target, request.getEvent(), payload)
						: request.getFallback() ? operations.pushWithFallback(target, request.getEvent(), payload)
								: operations.push(target, request.getEvent(), payload);
				reply = pushed.map((result) -> PushReply.newBuilder()
					.setMessageId(result.messageId())
					.setLocalDeliveries(result.localDeliveries())
					.build());
			}
		}
		catch (RuntimeException ex) {
			response.onError(GrpcStatuses.of(ex));
			return;
		}
		answer(reply, response, GrpcStatuses::of);
	}

	/* Sends the one answer of a unary call, or its error as a status. */
	private static <T> void answer(Mono<T> value, StreamObserver<T> response,
			Function<Throwable, StatusRuntimeException> errors) {
		value.subscribe((answer) -> {
			response.onNext(answer);
			response.onCompleted();
		}, (error) -> response.onError(errors.apply(error)));
	}

	@Override
	public void getUserPresence(UserPresenceRequest request, StreamObserver<UserPresence> response) {
		answer(this.presence.socketsOf(request.getUid())
			.map((sockets) -> UserPresence.newBuilder()
				.setOnline(!sockets.isEmpty())
				.addAllSockets(sockets.stream()
					.map((socket) -> SocketPresence.newBuilder()
						.setSocketId(Long.toString(socket.socketId()))
						.setNode(socket.node())
						.build())
					.toList())
				.build()), response, GrpcStatuses::registry);
	}

	@Override
	public void getGuidPresence(GuidPresenceRequest request, StreamObserver<GuidPresence> response) {
		answer(this.presence.guidConnections(request.getGuid())
			.map((count) -> GuidPresence.newBuilder().setConnections(count).build()), response, GrpcStatuses::registry);
	}

	@Override
	public void listConnections(ListConnectionsRequest request, StreamObserver<ListConnectionsReply> response) {
		PushTarget target = switch (request.getTargetCase()) {
			case UID -> PushTarget.user(request.getUid());
			case GUID -> PushTarget.guid(request.getGuid());
			default -> null;
		};
		if (target == null) {
			response.onError(Status.INVALID_ARGUMENT.withDescription("name a uid or a guid").asRuntimeException());
			return;
		}
		int limit = (request.getLimit() != 0) ? request.getLimit() : ConnectionPage.DEFAULT_LIMIT;
		answer(this.presence.connections(target, request.getCursor(), limit).map(GrpcTargets::page), response,
				(error) -> (error instanceof PushRejectedException) ? GrpcStatuses.of(error)
						: GrpcStatuses.registry(error));
	}

	@Override
	public void getStats(StatsRequest request, StreamObserver<Stats> response) {
		answer(this.presence.stats()
			.map((stats) -> Stats.newBuilder()
				.setNodes(stats.nodes())
				.setConnections(stats.connections())
				.setUsers(stats.users())
				.build()), response, GrpcStatuses::registry);
	}

	@Override
	public void subscribe(SubscribeRequest request, StreamObserver<ClientMessage> response) {
		ServerCallStreamObserver<ClientMessage> stream = (ServerCallStreamObserver<ClientMessage>) response;
		if (!this.subscriptions.add(request.getEventsList(), stream)) {
			response.onError(Status.RESOURCE_EXHAUSTED
				.withDescription("this node serves the most subscriptions it may (push.gateway.grpc.max-subscriptions)")
				.asRuntimeException());
		}
	}

	@Override
	public void reply(ReplyRequest request, StreamObserver<ReplyAck> response) {
		Mono<Void> replied;
		try {
			replied = this.push.reply(GrpcTargets.socketId(request.getSocketId()),
					GrpcTargets.nonEmpty(request.getMessageId(), "message_id"),
					GrpcPayloads.payload(request.getPayload().toByteArray(), request.getFormatValue()));
		}
		catch (RuntimeException ex) {
			response.onError(GrpcStatuses.of(ex));
			return;
		}
		replied.subscribe(null, (error) -> response.onError(GrpcStatuses.of(error)), () -> {
			response.onNext(ReplyAck.getDefaultInstance());
			response.onCompleted();
		});
	}

	@Override
	public void disconnect(DisconnectRequest request, StreamObserver<DisconnectAck> response) {
		Mono<Void> disconnected;
		try {
			int code = (request.getCode() != 0) ? request.getCode() : DisconnectCodes.RECONNECT;
			String reason = request.getReason().isEmpty() ? "disconnected by the server" : request.getReason();
			disconnected = this.push.disconnect(GrpcTargets.of(request), code, reason);
		}
		catch (RuntimeException ex) {
			response.onError(GrpcStatuses.of(ex));
			return;
		}
		disconnected.subscribe(null, (error) -> response.onError(GrpcStatuses.of(error)), () -> {
			response.onNext(DisconnectAck.getDefaultInstance());
			response.onCompleted();
		});
	}

	@Override
	public void ban(BanRequest request, StreamObserver<BanAck> response) {
		Mono<Void> done;
		try {
			done = request.getLift() ? this.bans.unbanUser(request.getUid()) : this.bans.banUser(request.getUid(),
					(request.getUntilEpochMillis() != 0) ? Instant.ofEpochMilli(request.getUntilEpochMillis()) : null);
		}
		catch (RuntimeException ex) {
			response.onError(GrpcStatuses.of(ex));
			return;
		}
		answer(done.thenReturn(BanAck.getDefaultInstance()), response, PushGatewayGrpcService::banError);
	}

	@Override
	public void revoke(RevokeRequest request, StreamObserver<RevokeAck> response) {
		Mono<Void> done;
		try {
			String uid = request.getUid();
			String tokenId = request.getTokenId();
			if (tokenId.isEmpty()) {
				done = request.getLift() ? this.bans.restoreTokensIssuedBefore(uid)
						: this.bans.revokeTokensIssuedBefore(uid, (request.getIssuedBeforeEpochMillis() != 0)
								? Instant.ofEpochMilli(request.getIssuedBeforeEpochMillis()) : Instant.now());
			}
			else if (request.getLift()) {
				done = this.bans.restoreToken(uid, tokenId);
			}
			else if (request.getUntilEpochMillis() == 0) {
				throw new IllegalArgumentException("until_epoch_millis is required to revoke a token by its ID");
			}
			else {
				done = this.bans.revokeToken(uid, tokenId, Instant.ofEpochMilli(request.getUntilEpochMillis()));
			}
		}
		catch (RuntimeException ex) {
			response.onError(GrpcStatuses.of(ex));
			return;
		}
		answer(done.thenReturn(RevokeAck.getDefaultInstance()), response, PushGatewayGrpcService::banError);
	}

	/* A ban's failure: the store's failures are UNAVAILABLE, as the registry's are. */
	private static StatusRuntimeException banError(Throwable error) {
		return (error instanceof PushRejectedException || error instanceof IllegalArgumentException
				|| error instanceof ClusterBusException) ? GrpcStatuses.of(error) : GrpcStatuses.unavailable(error);
	}

}
