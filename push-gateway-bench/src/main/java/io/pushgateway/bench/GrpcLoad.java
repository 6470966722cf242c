package io.pushgateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.pushgateway.grpc.v1.PushGatewayGrpc;
import io.pushgateway.grpc.v1.PushReply;
import io.pushgateway.grpc.v1.PushRequest;

/**
 * gRPC push load for the {@code grpc-api} scenario, the gRPC twin of
 * {@link HttpLoad#httpClosedLoop}: {@code concurrency} calls in flight over a few HTTP/2
 * connections, each followed by the next as soon as it is answered, pushing {@code {"n":
 * nanoTime}} to random users.
 *
 * @author Push Gateway team
 */
final class GrpcLoad {

	private static final int CHANNELS = 4;

	/** Open files the gRPC connections and the server's listening socket take. */
	static final int CHANNELS_RESERVED = CHANNELS + 16;

	private GrpcLoad() {
	}

	static long[] closedLoop(int port, int users, int concurrency, int seconds) throws InterruptedException {
		Metadata headers = new Metadata();
		headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
				"Bearer " + BenchGateway.API_TOKEN);
		List<ManagedChannel> channels = new ArrayList<>();
		List<PushGatewayGrpc.PushGatewayStub> stubs = new ArrayList<>();
		for (int i = 0; i < CHANNELS; i++) {
			ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
			channels.add(channel);
			stubs.add(PushGatewayGrpc.newStub(channel)
				.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)));
		}
		AtomicLong ok = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		CountDownLatch lanes = new CountDownLatch(concurrency);
		for (int lane = 0; lane < concurrency; lane++) {
			new Lane(stubs.get(lane % CHANNELS), users, end, ok, failed, lanes).next();
		}
		lanes.await(seconds + 60L, TimeUnit.SECONDS);
		for (ManagedChannel channel : channels) {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
		return new long[] { ok.get(), failed.get() };
	}

	private record Lane(PushGatewayGrpc.PushGatewayStub stub, int users, long end, AtomicLong ok, AtomicLong failed,
			CountDownLatch done) implements StreamObserver<PushReply> {

		void next() {
			if (System.nanoTime() >= this.end) {
				this.done.countDown();
				return;
			}
			this.stub.push(PushRequest.newBuilder()
				.setUser("u" + ThreadLocalRandom.current().nextInt(this.users))
				.setEvent("t")
				.setPayload(ByteString.copyFromUtf8("{\"n\":" + System.nanoTime() + "}"))
				.build(), this);
		}

		@Override
		public void onNext(PushReply reply) {
			this.ok.incrementAndGet();
		}

		@Override
		public void onError(Throwable error) {
			// a refused push (node busy): back off a little, as a client should
			this.failed.incrementAndGet();
			CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS).execute(this::next);
		}

		@Override
		public void onCompleted() {
			next();
		}

	}

}
