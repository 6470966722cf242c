package io.pushgateway.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * The node's gRPC server for business services: grpc-java's Netty server (shaded, so it
 * shares no classes or threads with Reactor Netty) on its own port, serving
 * {@code pushgateway.v1.PushGateway} behind the API token. Started with the application
 * and stopped before the node drains: open {@code Subscribe} streams are completed, so
 * subscribers reconnect to another node, and calls in flight get the shutdown timeout.
 *
 * @author Push Gateway team
 */
public final class GrpcServer implements SmartLifecycle {

	/** Stops before the node lifecycle drains the WebSocket connections. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 256;

	private static final Log logger = LogFactory.getLog(GrpcServer.class);

	private final Server server;

	private final GrpcSubscriptions subscriptions;

	private final Duration shutdownTimeout;

	private volatile boolean running;

	/**
	 * Create the server, not started.
	 * @param address the address to listen on, or {@code null} for every interface
	 * @param port the port, or 0 for a free one
	 * @param operations where calls go
	 * @param subscriptions the node's {@code Subscribe} streams
	 * @param saturated whether the node's event loops are too far behind to accept a push
	 * @param token the API token callers present
	 * @param maxPayloadSize the largest push payload; a larger message is refused by gRPC
	 * itself, a little above it so the push rules can say why
	 * @param shutdownTimeout how long calls in flight may take to finish at shutdown
	 */
	public GrpcServer(@Nullable String address, int port, GrpcOperations operations, GrpcSubscriptions subscriptions,
			BooleanSupplier saturated, String token, int maxPayloadSize, Duration shutdownTimeout) {
		this.subscriptions = subscriptions;
		this.shutdownTimeout = shutdownTimeout;
		InetSocketAddress bind = (address != null) ? new InetSocketAddress(address, port) : new InetSocketAddress(port);
		this.server = NettyServerBuilder.forAddress(bind)
			// the token is checked first; a request that is not protobuf is answered
			// INVALID_ARGUMENT rather than as an application error
			.addService(ServerInterceptors.intercept(
					MalformedRequests
						.refused(new PushGatewayGrpcService(operations, subscriptions, saturated).bindService()),
					new ApiTokenInterceptor(token)))
			// room for the request's other fields; the push rules refuse a payload above
			// the limit with a message
			.maxInboundMessageSize(maxPayloadSize + 64 * 1024)
			// the handlers never block (pushes and presence are reactive): run them on
			// gRPC's own event loops rather than hand each call to another thread
			.directExecutor()
			.build();
	}

	@Override
	public void start() {
		try {
			this.server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("gRPC server could not start: " + ex.getMessage(), ex);
		}
		this.running = true;
		logger.info("gRPC API listening on port " + this.server.getPort());
	}

	/**
	 * The port the server listens on, once started.
	 * @return the port
	 */
	public int port() {
		return this.server.getPort();
	}

	@Override
	public void stop() {
		this.running = false;
		this.subscriptions.completeAll();
		this.server.shutdown();
		try {
			if (!this.server.awaitTermination(this.shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.server.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.server.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
