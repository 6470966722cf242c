package io.pushgateway.grpc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.pushgateway.core.Payload;
import io.pushgateway.grpc.v1.ClientMessage;
import io.pushgateway.hub.GatewayUpstream;
import io.pushgateway.spi.UpstreamHandler;
import io.pushgateway.spi.UpstreamMessage;
import io.pushgateway.spi.UpstreamUnavailableException;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.util.PatternMatchUtils;

/**
 * Client messages to gRPC subscribers: the {@link UpstreamHandler} for the events that an
 * open {@code Subscribe} stream of this node asks for. Each message goes to one matching
 * subscription, round robin among those gRPC's flow control says are ready (like a Kafka
 * consumer group); when every matching one is full, the client gets {@code 4503}, as when
 * Kafka is unavailable. The answer comes later through the {@code Reply} call, so the
 * handler itself answers nothing. Ordered before the Kafka upstream: an event that a
 * subscription matches is not also published to Kafka; like it, consulted after every
 * application handler ({@link GatewayUpstream}).
 *
 * @author Push Gateway team
 */
public final class GrpcSubscriptions implements GatewayUpstream, Ordered {

	private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

	private final AtomicInteger next = new AtomicInteger();

	private final int maxSubscriptions;

	/**
	 * Create the subscriptions of a node.
	 * @param maxSubscriptions the most open {@code Subscribe} streams at once
	 */
	public GrpcSubscriptions(int maxSubscriptions) {
		this.maxSubscriptions = maxSubscriptions;
	}

	/**
	 * Add a stream; it is removed when the client cancels it or the server shuts down.
	 * @param events the event patterns, empty for every event
	 * @param stream the stream
	 * @return {@code false} when this node already serves the most subscriptions
	 */
	boolean add(List<String> events, ServerCallStreamObserver<ClientMessage> stream) {
		if (this.subscriptions.size() >= this.maxSubscriptions) {
			return false;
		}
		Subscription subscription = new Subscription(
				events.isEmpty() ? new String[] { "*" } : events.toArray(new String[0]), stream);
		this.subscriptions.add(subscription);
		stream.setOnCancelHandler(() -> this.subscriptions.remove(subscription));
		return true;
	}

	/** End every stream (the node is stopping): subscribers reconnect to another node. */
	void completeAll() {
		for (Subscription subscription : this.subscriptions) {
			this.subscriptions.remove(subscription);
			synchronized (subscription.stream) {
				subscription.stream.onCompleted();
			}
		}
	}

	/**
	 * How many {@code Subscribe} streams are open on this node.
	 * @return the count
	 */
	public int size() {
		return this.subscriptions.size();
	}

	@Override
	public boolean supports(String event) {
		for (Subscription subscription : this.subscriptions) {
			if (subscription.matches(event)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public Mono<Payload> handle(UpstreamMessage message) {
		return Mono.defer(() -> {
			List<Subscription> all = this.subscriptions;
			int size = all.size();
			int start = Math.floorMod(this.next.getAndIncrement(), Math.max(1, size));
			for (int i = 0; i < size; i++) {
				Subscription subscription = all.get((start + i) % size);
				if (subscription.matches(message.event()) && subscription.offer(message)) {
					return Mono.empty();
				}
			}
			return Mono.error(new UpstreamUnavailableException(
					"no gRPC subscriber ready for '" + message.event() + "'; retry later"));
		});
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 1;
	}

	private record Subscription(String[] events, ServerCallStreamObserver<ClientMessage> stream) {

		boolean matches(String event) {
			return PatternMatchUtils.simpleMatch(this.events, event);
		}

		boolean offer(UpstreamMessage message) {
			// one writer at a time: gRPC streams are not thread-safe
			synchronized (this.stream) {
				if (this.stream.isCancelled() || !this.stream.isReady()) {
					return false;
				}
				this.stream.onNext(toProto(message));
				return true;
			}
		}

		private static ClientMessage toProto(UpstreamMessage message) {
			ClientMessage.Builder proto = ClientMessage.newBuilder()
				.setMessageId(message.messageId())
				.setSocketId(Long.toString(message.socketId()))
				.setUid(message.uid())
				.setEvent(message.event())
				.setPayload(ByteString.copyFrom(message.payload().bytes()))
				.setFormatValue(GrpcPayloads.format(message.payload().format()))
				.setNode(message.node())
				.addAllGuids(message.guids());
			if (message.guid() != null) {
				proto.setGuid(message.guid());
			}
			return proto.build();
		}

	}

}
